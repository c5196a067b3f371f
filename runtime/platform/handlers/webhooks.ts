/** Handlers of spec/platform/webhooks.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { guardedDeletes } from '../dependencies/guarded-deletes.ts';
import { webhookActions } from '../webhooks/webhook-actions.ts';

export const webhooksHandlers = {
  'webhooks.create': webhookActions.create,
  'webhooks.delete': guardedDeletes.webhooks,
  'webhooks.listWebhookDeliveries': webhookActions.listWebhookDeliveries,
  'webhooks.replayWebhook': webhookActions.replayWebhook,
  'webhooks.retryWebhookDelivery': webhookActions.retryWebhookDelivery,
  'webhooks.rotateWebhookSecret': webhookActions.rotateWebhookSecret,
  'webhooks.testWebhook': webhookActions.testWebhook,
  'webhooks.update': webhookActions.update,
} satisfies Partial<PlatformHandlers>;
