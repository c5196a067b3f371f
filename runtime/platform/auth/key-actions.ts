/** API key lifecycle (docs/api/platform-api.txt, "API Keys"): create (token shown once), update, revoke, rotate. */
import type { ActionHandler } from '../../runtime-api.ts';
import { notFound, validation } from '../../http/api-error.ts';
import { insertKey, keyView, KEY_COLUMNS } from '../auth/api-keys.ts';
import { unknownScopes } from '../auth/scopes.ts';
import { T } from '../tables.ts';
import { actorOf, bodyOf, param, tenantOf } from '../http/action-context.ts';

function checkScopes(scopes: unknown): string[] {
  if (!Array.isArray(scopes) || scopes.length === 0)
    throw validation({ scopes: ['must be a non-empty list of read, write, schema, files, auth, ai, *'] });
  const bad = unknownScopes(scopes);
  if (bad.length) throw validation({ scopes: [`unknown scope(s): ${bad.join(', ')}`] });
  return scopes as string[];
}

function checkAllowlist(v: unknown): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw validation({ ip_allowlist: ['must be a list of IP addresses or CIDR blocks'] });
  return v as string[];
}

export const keyActions = {
  create: async (a) => {
    const b = bodyOf(a);
    const { row, token } = await insertKey(a.trx, tenantOf(a), {
      label: String(b.label ?? 'key'),
      scopes: checkScopes(b.scopes ?? ['read']),
      ipAllowlist: checkAllowlist(b.ip_allowlist),
      expiresAt: (b.expires_at as string | null) ?? null,
      rateLimit: (b.rate_limit as number | null) ?? null,
      createdBy: actorOf(a),
    });
    return { status: 201, body: { key: row, token } };
  },
  update: async (a) => {
    const b = bodyOf(a);
    const patch: Record<string, unknown> = { updated_at: a.trx.fn.now() };
    if (b.label !== undefined) patch.label = b.label;
    if (b.scopes !== undefined) patch.scopes = JSON.stringify(checkScopes(b.scopes));
    if (b.ip_allowlist !== undefined) patch.ip_allowlist = JSON.stringify(checkAllowlist(b.ip_allowlist));
    if (b.rate_limit !== undefined) patch.rate_limit = b.rate_limit;
    if (b.expires_at !== undefined) patch.expires_at = b.expires_at;
    const id = param(a, 'id');
    const n = await a
      .trx(T.apiKeys)
      .where({ id, company_id: tenantOf(a) })
      .whereNull('revoked_at')
      .update(patch);
    if (!n) throw notFound('API key not found or revoked.');
    return { body: keyView(await a.trx(T.apiKeys).where({ id }).first(KEY_COLUMNS)) };
  },
  /** Revoked, not deleted: the row stays for audit; the key stops working at once. */
  revoke: async (a) => {
    const id = param(a, 'id');
    const n = await a
      .trx(T.apiKeys)
      .where({ id, company_id: tenantOf(a) })
      .whereNull('revoked_at')
      .update({ revoked_at: new Date().toISOString(), updated_at: a.trx.fn.now() });
    if (!n) throw notFound('API key not found or already revoked.');
    return { body: keyView(await a.trx(T.apiKeys).where({ id }).first(KEY_COLUMNS)) };
  },
  /** A new key with the old one's settings (label/scopes may change); the old key is revoked now. */
  rotateApiKey: async (a) => {
    const id = param(a, 'key_id');
    const tenant = tenantOf(a);
    const old = await a.trx(T.apiKeys).where({ id, company_id: tenant }).whereNull('revoked_at').first();
    if (!old) throw notFound('API key not found or revoked.');
    const b = bodyOf(a);
    const parse = (v: unknown): any => v; // jsonb arrives parsed
    const { row, token } = await insertKey(a.trx, tenant, {
      label: String(b.label ?? old.label),
      scopes: b.scopes !== undefined ? checkScopes(b.scopes) : parse(old.scopes),
      ipAllowlist: parse(old.ip_allowlist),
      expiresAt: old.expires_at ? new Date(old.expires_at).toISOString() : null,
      rateLimit: old.rate_limit,
      createdBy: actorOf(a),
    });
    await a.trx(T.apiKeys).where({ id }).update({ revoked_at: new Date().toISOString(), updated_at: a.trx.fn.now() });
    return { body: { old_key: keyView(await a.trx(T.apiKeys).where({ id }).first(KEY_COLUMNS)), new_key: row, token } };
  },
} satisfies Record<string, ActionHandler>;
