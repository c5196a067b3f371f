/** Admin management of the tenant's end users (docs/api/platform-api.txt, "Users"); passwords stored as argon2 hashes. */
import { hashPassword } from '../../security/password-hash.ts';
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { conflict, notFound, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { guardedDelete, rowsOf } from '../dependencies/confirm-delete.ts';
import { actorOf, bodyOf, iso, param, parseJson, tenantOf } from '../http/action-context.ts';

export const USER_FIELDS = ['email', 'phone', 'role', 'email_verified', 'phone_verified', 'banned', 'ban_reason', 'user_metadata'] as const;

export function userView(r: Record<string, unknown>) {
  return {
    id: r.id,
    email: r.email,
    phone: r.phone ?? null,
    role: r.role,
    email_verified: r.email_verified,
    phone_verified: r.phone_verified,
    banned: r.banned,
    ban_reason: r.ban_reason ?? null,
    user_metadata: parseJson(r.user_metadata) ?? {},
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    last_sign_in_at: iso(r.last_sign_in_at),
  };
}

export function checkPassword(p: unknown): string {
  if (typeof p !== 'string' || p.length < 8 || p.length > 200) throw validation({ password: ['must be 8 to 200 characters'] });
  return p;
}

/** Inserts a user of the tenant; 409 when the email is taken. */
export async function insertUser(a: ActionContext, b: Record<string, unknown>): Promise<Record<string, unknown>> {
  const tenant = tenantOf(a);
  const email = String(b.email ?? '')
    .trim()
    .toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw validation({ email: ['must be an email address'] });
  if (await a.trx(T.users).where({ company_id: tenant, email }).first('id'))
    throw conflict('A user with this email exists already.', 'email_taken');
  const id = newId('usr');
  await a.trx(T.users).insert({
    id,
    company_id: tenant,
    email,
    password: b.password == null ? null : await hashPassword(checkPassword(b.password)),
    phone: b.phone ?? null,
    role: b.role ?? 'authenticated',
    email_verified: b.email_verified ?? false,
    phone_verified: false,
    banned: false,
    user_metadata: JSON.stringify(b.user_metadata ?? {}),
    created_by: actorOf(a),
    created_at: a.trx.fn.now(),
    updated_at: a.trx.fn.now(),
  });
  return a.trx(T.users).where({ id }).first();
}

export async function patchUser(
  a: ActionContext,
  id: string,
  b: Record<string, unknown>,
  fields: readonly string[],
): Promise<Record<string, unknown>> {
  const tenant = tenantOf(a);
  const row = await a.trx(T.users).where({ id, company_id: tenant }).first();
  if (!row) throw notFound('User not found.');
  const patch: Record<string, unknown> = { updated_at: a.trx.fn.now() };
  for (const k of fields)
    if (b[k] !== undefined) patch[k] = k === 'user_metadata' ? JSON.stringify(b[k]) : k === 'email' ? String(b[k]).toLowerCase() : b[k];
  if (b.password !== undefined && b.password !== null) patch.password = await hashPassword(checkPassword(b.password));
  if (patch.email && patch.email !== row.email && (await a.trx(T.users).where({ company_id: tenant, email: patch.email }).first('id'))) {
    throw conflict('A user with this email exists already.', 'email_taken');
  }
  await a.trx(T.users).where({ id }).update(patch);
  return a.trx(T.users).where({ id }).first();
}

export const userActions = {
  create: async (a) => ({ status: 201, body: userView(await insertUser(a, bodyOf(a))) }),
  update: async (a) => ({ body: userView(await patchUser(a, param(a, 'id'), bodyOf(a), USER_FIELDS)) }),
  /** Sessions and role assignments depend on a user. */
  delete: async (a) => {
    const tenant = tenantOf(a);
    const id = param(a, 'id');
    const refused = await guardedDelete(a, {
      resource: 'users',
      recordId: id,
      dependents: [
        rowsOf(T.sessions, 'user_id', id, tenant, 'sessions', 'Sessions', (q) => q.whereNull('revoked_at')),
        rowsOf(T.records, 'parent_id', id, tenant, 'user_roles', 'Role assignments', (q) => q.where({ kind: 'user_roles' })),
      ],
      remove: async (trx) => {
        await trx(T.sessions).where({ company_id: tenant, user_id: id }).delete();
        await trx(T.users).where({ company_id: tenant, id }).delete();
      },
    });
    return refused ?? { body: { user_id: id, deleted: true } };
  },
  listUserMfaFactors: async (a) => {
    const row = await a
      .trx(T.users)
      .where({ id: param(a, 'user_id'), company_id: tenantOf(a) })
      .first('id');
    if (!row) throw notFound('User not found.');
    const rows = await a.trx(T.records).where({ company_id: tenantOf(a), kind: 'mfa_factors', parent_id: row.id });
    return { body: rows.map((r) => ({ id: r.id, ...(parseJson(r.data) ?? {}), created_at: iso(r.created_at) })) };
  },
  listUserRoles: async (a) => {
    const rows = await a.trx(T.records).where({ company_id: tenantOf(a), kind: 'user_roles', parent_id: param(a, 'user_id') });
    return { body: rows.map((r) => ({ id: r.id, ...(parseJson(r.data) ?? {}), created_at: iso(r.created_at) })) };
  },
} satisfies Record<string, ActionHandler>;
