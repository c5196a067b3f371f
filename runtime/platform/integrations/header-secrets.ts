/**
 * The headers of an integration's config_json (`Authorization: Bearer …`, API keys) are secrets the
 * connector must send again, so they are sealed at rest (runtime/secrets/seal.ts), like OAuth client
 * secrets in the auth config: the pf_integrations row keeps each header masked (`********`, the mask
 * of identity/config-secrets.ts) and a pf_records row of kind `integration_headers` holds the sealed
 * values. Every answer (create, PATCH, GET, list, audit entry, domain event) therefore shows the mask;
 * a client that sends the mask back keeps the stored value; the connector unseals at sync time.
 */
import type { Knex } from 'knex';
import { seal, unseal } from '../../secrets/seal.ts';
import { newId } from '../../security/random-ids.ts';
import { MASK } from '../identity/config-secrets.ts';
import { asObject } from '../http/action-context.ts';
import { T } from '../tables.ts';

export const HEADERS_KIND = 'integration_headers';

type Headers = Record<string, string>;

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The sealed headers stored for the integration ({} when none). */
export async function sealedHeaders(db: Knex, tenant: number, integrationId: string): Promise<Headers> {
  const row = await db(T.records).where({ company_id: tenant, kind: HEADERS_KIND, parent_id: integrationId }).first('data');
  const data = asObject(typeof row?.data === 'string' ? JSON.parse(row.data) : row?.data);
  return Object.fromEntries(Object.entries(asObject(data.headers)).map(([k, v]) => [k, String(v)]));
}

/**
 * Splits a config about to be stored: its headers masked (for the row) and sealed (for the record).
 * A header sent as the mask keeps the value stored under that name; config without a headers object
 * is stored as it is.
 */
export function splitHeaders(
  config: Record<string, unknown>,
  stored: Headers,
): { config: Record<string, unknown>; sealed: Headers | null } {
  if (!isPlainObject(config.headers)) return { config, sealed: null };
  const masked: Headers = {};
  const sealed: Headers = {};
  for (const [name, value] of Object.entries(config.headers)) {
    if (value === MASK) {
      const kept = stored[name];
      if (kept === undefined) continue; // a mask with nothing behind it names no secret
      sealed[name] = kept;
    } else sealed[name] = seal(String(value));
    masked[name] = MASK;
  }
  return { config: { ...config, headers: masked }, sealed };
}

/** Replaces the integration's sealed headers (none: the record is removed). */
export async function saveHeaders(trx: Knex, tenant: number, integrationId: string, sealed: Headers): Promise<void> {
  await trx(T.records).where({ company_id: tenant, kind: HEADERS_KIND, parent_id: integrationId }).delete();
  if (!Object.keys(sealed).length) return;
  await trx(T.records).insert({
    id: newId('ihs'),
    company_id: tenant,
    kind: HEADERS_KIND,
    parent_id: integrationId,
    data: JSON.stringify({ headers: sealed }),
    created_at: trx.fn.now(),
    updated_at: trx.fn.now(),
  });
}

/** The config the connector works with: masked headers replaced by their unsealed values. */
export async function withUnsealedHeaders(db: Knex, tenant: number, integrationId: string, config: Record<string, unknown>) {
  if (!isPlainObject(config.headers)) return config;
  const stored = await sealedHeaders(db, tenant, integrationId);
  const headers: Headers = {};
  for (const [name, value] of Object.entries(config.headers))
    // A header still in plaintext (a row written before sealing) is used as it is.
    headers[name] = value === MASK && stored[name] !== undefined ? unseal(stored[name]) : String(value);
  return { ...config, headers };
}
