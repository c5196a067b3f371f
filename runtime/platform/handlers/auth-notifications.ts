/** Handlers of spec/platform/auth-notifications.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { inboxActions } from '../notifications/inbox.ts';
import { notificationPreferences } from '../settings/settings-documents.ts';

export const authNotificationsHandlers = {
  'auth-notifications.deleteNotificationPreference': notificationPreferences.deleteChannel,
  'auth-notifications.getNotificationPreferences': notificationPreferences.get,
  'auth-notifications.getUnreadCount': inboxActions.getUnreadCount,
  'auth-notifications.listNotifications': inboxActions.listNotifications,
  'auth-notifications.markAllAsRead': inboxActions.markAllAsRead,
  'auth-notifications.markNotificationRead': inboxActions.markNotificationRead,
  'auth-notifications.updateNotificationPreferences': notificationPreferences.patch,
} satisfies Partial<PlatformHandlers>;
