/** The caller's company for tenant-scoped handlers, and company facts they need (time zone, code lookup). */
import type { Knex } from 'knex';
import { forbidden, notFound } from '../../http/api-error.ts';
import type { ActionContext } from '../../runtime-api.ts';
import { T } from '../auth/loop-schema.ts';

export function companyId(a: ActionContext): number {
  const t = a.ctx.tenant;
  // The router resolves the tenant before any non-public handler runs; this guards a catalogue mistake.
  if (!t) throw forbidden('A company (X-Company-ID) is required.');
  return t.companyId;
}

export function userId(a: ActionContext): number | null {
  const id = a.ctx.principal?.userId;
  return typeof id === 'number' ? id : id !== undefined && /^\d+$/.test(String(id)) ? Number(id) : null;
}

/** IANA time zone of the company (UTC when unset or unknown to PostgreSQL). */
export async function companyTimezone(db: Knex, id: number): Promise<string> {
  const row = (await db(T.companies).where({ id }).first('timezone')) as { timezone?: string | null } | undefined;
  const tz = row?.timezone || 'UTC';
  const known = await db.raw('select 1 from pg_timezone_names where name = ? limit 1', [tz]);
  return known.rows.length ? tz : 'UTC';
}

/** An active company by its public code (`001`), for public endpoints; 404 otherwise. */
export async function companyByCode(db: Knex, code: string): Promise<{ id: number; code: string }> {
  const row = (await db(T.companies).where({ code, is_active: true }).whereNull('deleted_at').first('id', 'code')) as
    { id: number | string; code: string } | undefined;
  if (!row) throw notFound(`No company with code "${code}".`);
  return { id: Number(row.id), code: row.code };
}
