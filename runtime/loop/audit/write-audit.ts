/**
 * The audit writer: one row per write, login, logout and key use,
 * written inside the caller's transaction so an audit row exists exactly when the change does.
 * Table `audit_logs` (spec/loop/core.yaml, audit-logs).
 */
import type { Knex } from 'knex';
import { T } from '../auth/loop-schema.ts';

export interface AuditEntry {
  /** What happened: create, update, delete, restore, login, logout, login_failed, api_key_used, or an action name. */
  readonly action: string;
  /** `booking.appointments`, `auth`, … */
  readonly resource: string;
  readonly recordId?: string | number | null;
  readonly actorId?: number | string | null;
  readonly companyId?: number | null;
  readonly appId?: string | null;
  /** Field-level changes, e.g. `{ status: ['pending', 'confirmed'] }`, or any JSON detail. */
  readonly changes?: unknown;
  readonly ip?: string | null;
  readonly requestId?: string | null;
}

export const AUDIT_TABLE = T.auditLogs;

/** The row's columns that do not depend on the written record (shared with the inline form in runtime/loop/index.ts). */
export function auditColumns(entry: Omit<AuditEntry, 'recordId' | 'changes'>): Record<string, unknown> {
  return {
    company_id: entry.companyId ?? null,
    actor_id: entry.actorId ?? null,
    app_id: entry.appId ?? null,
    action: entry.action.slice(0, 50),
    resource: entry.resource.slice(0, 150),
    ip: entry.ip?.slice(0, 45) ?? null,
    request_id: entry.requestId?.slice(0, 64) ?? null,
    created_by: entry.actorId ?? null,
  };
}

export async function writeAudit(trx: Knex, entry: AuditEntry, table = AUDIT_TABLE): Promise<void> {
  const now = new Date();
  await trx(table).insert({
    ...auditColumns(entry),
    record_id: entry.recordId == null ? null : String(entry.recordId).slice(0, 64),
    changes: entry.changes === undefined ? null : JSON.stringify(entry.changes),
    created_at: now,
    updated_at: now,
  });
}

/** Field-level diff of two records: `{ field: [before, after] }` for fields that changed. */
export function diffRecords(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): Record<string, [unknown, unknown]> {
  const out: Record<string, [unknown, unknown]> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const k of [...keys].sort()) {
    if (k === 'updated_at') continue;
    const a = before?.[k] ?? null;
    const b = after?.[k] ?? null;
    if (JSON.stringify(a) !== JSON.stringify(b)) out[k] = [a, b];
  }
  return out;
}

/**
 * For identity events (login, logout, key use) that may have no company: written in a savepoint so a
 * schema that insists on a company (NOT NULL company_id) cannot abort the caller's transaction.
 * Returns false when the row could not be written.
 */
export async function writeAuditBestEffort(db: Knex, entry: AuditEntry, table = AUDIT_TABLE): Promise<boolean> {
  try {
    await db.transaction((sp) => writeAudit(sp, entry, table));
    return true;
  } catch (e) {
    if (!warned) {
      warned = true;
      console.warn(
        `[audit] could not write a ${entry.action} row (${(e as Error).message.split('\n')[0]}); is audit_logs.company_id nullable?`,
      );
    }
    return false;
  }
}
let warned = false;
