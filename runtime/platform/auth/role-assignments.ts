/**
 * Roles held by end users: pf_records rows (kind `user_roles`, parent = user id, `data.role_id`),
 * both ends checked in the tenant. Listed by GET /v1/users/:user_id/roles.
 */
import type { ActionHandler } from '../../runtime-api.ts';
import { notFound } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { actorOf, bodyOf, param, tenantOf } from '../http/action-context.ts';

export const roleAssignmentActions = {
  assignRoleToUser: async (a) => {
    const b = bodyOf(a);
    const tenant = tenantOf(a);
    if (
      !(await a
        .trx(T.users)
        .where({ company_id: tenant, id: String(b.user_id ?? '') })
        .first('id'))
    )
      throw notFound('User not found.');
    if (
      !(await a
        .trx(T.roles)
        .where({ company_id: tenant, id: String(b.role_id ?? '') })
        .first('id'))
    )
      throw notFound('Role not found.');
    const id = newId('ur');
    await a.trx(T.records).insert({
      id,
      company_id: tenant,
      kind: 'user_roles',
      parent_id: b.user_id,
      data: JSON.stringify({ role_id: b.role_id }),
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    return { status: 201, body: { id, user_id: b.user_id, role_id: b.role_id } };
  },
  removeRoleFromUser: async (a) => {
    const n = await a
      .trx(T.records)
      .where({ company_id: tenantOf(a), kind: 'user_roles', parent_id: param(a, 'user_id') })
      .whereRaw("data->>'role_id' = ?", [param(a, 'role_id')])
      .delete();
    if (!n) throw notFound('The user does not have this role.');
    return { body: { deleted: true } };
  },
} satisfies Record<string, ActionHandler>;
