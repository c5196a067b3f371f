/** Handlers of spec/platform/users.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { userActions } from '../users/user-actions.ts';

export const usersHandlers: HandlerRegistry = {
  'users.create': userActions.create,
  'users.delete': userActions.delete,
  'users.listUserMfaFactors': userActions.listUserMfaFactors,
  'users.listUserRoles': userActions.listUserRoles,
  'users.update': userActions.update,
};
