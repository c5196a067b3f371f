/** What the CRUD handlers share within one Runtime: the audit sink and cached table shapes. */
import type { Knex } from 'knex';
import type { RequestContext } from '../runtime-api.ts';
import type { TableShapes } from './ref-check.ts';

/** One audit record. Written with `trx`, so it commits or rolls back with the change it describes. */
export interface AuditEntry {
  readonly trx: Knex;
  readonly ctx: RequestContext;
  /** `create`, `update`, `delete`, `restore`, or an action name. */
  readonly action: string;
  /** Qualified resource or action id, e.g. `loop.booking.services`. */
  readonly resource: string;
  readonly recordId?: string | number | null;
  /** Field-level changes: `{ field: { from, to } }` for CRUD writes; free-form for actions. */
  readonly changes?: unknown;
  /**
   * The record as answered after the write (before it, for a delete), when the write has one; for a
   * completed write action (`action: 'action'`, `changes` = path parameters) its JSON answer.
   */
  readonly record?: unknown;
}

export type AuditSink = (entry: AuditEntry) => Promise<void>;

/**
 * Sees every audited write inside its transaction, audit sink or not: the platform appends its domain
 * event here (runtime/platform/events/crud-events.ts), so the event commits or rolls back with the write.
 */
export type WriteObserver = (entry: AuditEntry) => Promise<void>;

export interface CrudDeps {
  readonly audit?: AuditSink;
  readonly events?: WriteObserver;
  readonly shapes: TableShapes;
}

/** `{ field: { from, to } }` for every field whose wire value differs (JSON comparison, so dates and decimals compare as sent). */
export function diff(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of [...keys].sort()) {
    const from = before?.[k] ?? null;
    const to = after?.[k] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) out[k] = { from, to };
  }
  return out;
}

/**
 * Writes an audit row through the sink. A row outside any tenant (a superuser's write to shared
 * catalogue data) goes through a savepoint: where the audit table still insists on a company
 * (a database migrated before `tenant_optional`), the row is dropped instead of aborting the write.
 */
export async function writeAuditEntry(deps: CrudDeps, entry: AuditEntry): Promise<void> {
  if (deps.events) await deps.events(entry);
  if (!deps.audit) return;
  if (entry.ctx.tenant) return deps.audit(entry);
  try {
    await entry.trx.transaction((sp) => deps.audit!({ ...entry, trx: sp }));
  } catch (e) {
    if (!warnedNoTenant) {
      warnedNoTenant = true;
      console.warn(
        `[audit] could not write a ${entry.action} row without a company (${(e as Error).message.split('\n')[0]}); is audit_logs.company_id nullable?`,
      );
    }
  }
}
let warnedNoTenant = false;
