/**
 * Short-lived single-use values (WebAuthn challenges, OAuth states, SAML request ids, seen SAML
 * assertion ids) kept as pf_records rows of one tenant: `kind` names the use, `data.key` holds the
 * SHA-256 of the value (never the value itself) and `data.expires_at` its end. `take` deletes and
 * returns the row in one statement, so two requests racing with the same value cannot both win.
 */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { sha256Hex as sha256 } from '../../security/token-hash.ts';

export interface OneTimeRecord {
  readonly id: string;
  readonly tenant: number;
  readonly parentId: string;
  readonly data: Record<string, any>;
  readonly expired: boolean;
}

export async function putOnce(
  db: Knex,
  tenant: number,
  kind: string,
  parentId: string,
  value: string,
  ttlMs: number,
  data: Record<string, unknown> = {},
): Promise<void> {
  await db(T.records).insert({
    id: newId('otr'),
    company_id: tenant,
    kind,
    parent_id: parentId,
    data: JSON.stringify({ ...data, key: sha256(value), expires_at: new Date(Date.now() + ttlMs).toISOString() }),
    created_at: db.fn.now(),
    updated_at: db.fn.now(),
  });
}

/** Consumes the row holding `value` (in `tenant` when given); null when there is none. */
export async function takeOnce(db: Knex, kind: string, value: string, tenant?: number): Promise<OneTimeRecord | null> {
  const q = db(T.records)
    .where({ kind })
    .whereRaw("data->>'key' = ?", [sha256(value)]);
  if (tenant !== undefined) q.where({ company_id: tenant });
  const [row] = await q.delete().returning(['id', 'company_id', 'parent_id', 'data']);
  if (!row) return null;
  const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as Record<string, any>;
  return {
    id: row.id,
    tenant: Number(row.company_id),
    parentId: row.parent_id,
    data,
    expired: new Date(data.expires_at).getTime() <= Date.now(),
  };
}

/** The data of the row holding `value` while it is valid (the row stays), else null. */
export async function peekOnce(db: Knex, kind: string, value: string, tenant: number): Promise<Record<string, any> | null> {
  const row = await db(T.records)
    .where({ kind, company_id: tenant })
    .whereRaw("data->>'key' = ?", [sha256(value)])
    .first('data');
  return row && new Date(row.data.expires_at).getTime() > Date.now() ? row.data : null;
}

/** Drops this kind's expired rows of the tenant (called on writes, so the table does not grow). */
export async function pruneExpired(db: Knex, tenant: number, kind: string): Promise<void> {
  await db(T.records).where({ company_id: tenant, kind }).whereRaw("(data->>'expires_at')::timestamptz < now()").delete();
}
