/**
 * `POST /api/v1/internal-api-keys/` (catalogue: `handlers: { create: core.createInternalApiKey }`).
 * The generic create cannot serve it: the key is generated here, stored only as prefix + HMAC, and
 * answered in plaintext exactly once (`key`); every later read shows the prefix only (docs/api/loop-api.txt,
 * "Internal UI Key"). The CRUD-handler plumbing validated the body and writes the audit row,
 * whose changes list only the resource's columns, never the key.
 */
import { validation, type FieldErrors } from '../../http/api-error.ts';
import { loadRow } from '../../crud/rows.ts';
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { insertInternalApiKey } from './api-keys.ts';
import { T } from './loop-schema.ts';

export async function createInternalApiKeyHandler(a: LoopArgs<'core.createInternalApiKey'>): Promise<ActionResult> {
  const b = a.body;
  const d = a.action.resource;
  if (!d) throw new Error('core.createInternalApiKey runs as the create operation of internal-api-keys');
  const errors: FieldErrors = {};
  const userId = Number(b.user);
  const user = await a.trx(T.users).where({ id: userId, is_active: true }).whereNull('deleted_at').first('id');
  if (!user) errors.user = [`Invalid pk "${String(b.user)}" - object does not exist.`];
  const raw = b.allowed_companies ?? [];
  const codes = Array.isArray(raw) ? raw.map(String) : null;
  if (!codes) errors.allowed_companies = ['Expected a list of company codes.'];
  else if (codes.length) {
    const known: string[] = await a.trx(T.companies).whereIn('code', codes).whereNull('deleted_at').pluck('code');
    const missing = codes.filter((c) => !known.includes(c));
    if (missing.length) errors.allowed_companies = [`Unknown company code(s): ${missing.join(', ')}.`];
  }
  if (Object.keys(errors).length) throw validation(errors);
  const created = await insertInternalApiKey(a.trx, {
    userId,
    label: String(b.label),
    allowedCompanies: [...new Set(codes!)],
    expiresAt: b.expires_at ?? null,
    revokedAt: b.revoked_at ?? null,
    isActive: b.is_active === undefined ? true : Boolean(b.is_active),
    createdBy: a.ctx.principal?.userId ?? null,
  });
  const { row } = await loadRow(a.trx, d, a.ctx, String(created.id));
  return { status: 201, body: { ...row, key: created.key }, secret: true };
}
