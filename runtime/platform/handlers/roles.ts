/** Handlers of spec/platform/roles.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { roleAssignmentActions } from '../auth/role-assignments.ts';
import { guardedDeletes } from '../dependencies/guarded-deletes.ts';
import { createChild } from '../records/child-records.ts';
import { T } from '../tables.ts';

export const rolesHandlers = {
  'roles.assignPermissionsToRole': createChild({ kind: 'role_permissions', parent: { param: 'role_id' }, parentTable: T.roles }),
  'roles.assignRoleToUser': roleAssignmentActions.assignRoleToUser,
  'roles.delete': guardedDeletes.roles,
  'roles.removeRoleFromUser': roleAssignmentActions.removeRoleFromUser,
} satisfies Partial<PlatformHandlers>;
