/** Handlers of spec/platform/users.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { userActions } from '../users/user-actions.ts';

export const usersHandlers = {
  'users.create': userActions.create,
  'users.delete': userActions.delete,
  'users.listUserMfaFactors': userActions.listUserMfaFactors,
  'users.listUserRoles': userActions.listUserRoles,
  'users.update': userActions.update,
} satisfies Partial<PlatformHandlers>;
