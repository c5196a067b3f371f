/** Saved reports (docs/api/platform-api.txt, "Saved reports"): run and export (CSV through csv-stringify, or JSON) over object data. */
import { stringify } from 'csv-stringify/sync';
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { notFound, validation } from '../../http/api-error.ts';
import { loadType, objects } from '../objects/object-store.ts';
import { applyFilter, type Filter } from '../objects/object-query.ts';
import { asObject, iso, param, tenantOf } from '../http/action-context.ts';
import { T } from '../tables.ts';

const MAX_ROWS = 10_000;
/**
 * Saved report config: `{object_type, columns?: [property], filters?: [{property, operator, value}],
 * sort?: {property, direction}, limit?}` (limit ≤ 10 000). Rows are the type's live objects.
 */
async function runReport(a: ActionContext) {
  const report = await a
    .trx(T.savedReports)
    .where({ company_id: tenantOf(a), id: param(a, 'report_id') })
    .first();
  if (!report) throw notFound('Saved report not found.');
  const cfg = asObject(report.config_json);
  if (typeof cfg.object_type !== 'string')
    throw validation({ config_json: ['needs object_type (the object type id or name the report reads)'] });
  const type = await loadType(a.trx, tenantOf(a), cfg.object_type);
  const q = objects(a.trx, tenantOf(a), type.id).whereNull('deleted_at');
  (Array.isArray(cfg.filters) ? (cfg.filters as Filter[]) : []).forEach((f, i) => applyFilter(q, f, i));
  const sort = asObject(cfg.sort);
  const desc = String(sort.direction ?? 'asc').toLowerCase() === 'desc' ? 'desc' : 'asc';
  if (typeof sort.property === 'string') q.orderByRaw(`properties->>? ${desc} nulls last`, [sort.property]);
  q.orderBy([
    { column: 'created_at', order: 'asc' },
    { column: 'id', order: 'asc' },
  ]);
  const limit = Math.min(Math.max(Number(cfg.limit) || MAX_ROWS, 1), MAX_ROWS);
  const found: Record<string, unknown>[] = await q.limit(limit).select('id', 'properties', 'created_at');
  const columns: string[] =
    Array.isArray(cfg.columns) && cfg.columns.length
      ? cfg.columns.map(String)
      : ([...new Set(found.flatMap((r) => Object.keys(asObject(r.properties))))].sort() as string[]);
  const rows = found.map((r) => ({
    id: r.id,
    ...Object.fromEntries(columns.map((c) => [c, asObject(r.properties)[c] ?? null])),
    created_at: iso(r.created_at),
  }));
  return { report, columns: ['id', ...columns, 'created_at'], rows };
}

export const savedReportActions = {
  /** Public: the dashboard whose share token this is, only while it is marked public. */
  runSavedReport: async (a) => {
    const r = await runReport(a);
    return {
      body: {
        report_id: r.report.id,
        name: r.report.name,
        columns: r.columns,
        rows: r.rows,
        row_count: r.rows.length,
        truncated: r.rows.length >= MAX_ROWS,
      },
    };
  },
  /** `?format=csv` (default) through csv-stringify, or `json`. */
  exportSavedReport: async (a) => {
    const format = String(a.query.format ?? 'csv').toLowerCase();
    if (!['csv', 'json'].includes(format)) throw validation({ format: ['must be csv or json'] });
    const r = await runReport(a);
    const base = String(r.report.name ?? r.report.id).replace(/[^\w.-]+/g, '_') || 'report';
    if (format === 'json')
      return { buffer: Buffer.from(JSON.stringify(r.rows)), contentType: 'application/json', filename: `${base}.json` };
    const csv = stringify(
      r.rows.map((row) =>
        r.columns.map((c) => {
          const v = (row as Record<string, unknown>)[c];
          return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
        }),
      ),
      { header: true, columns: r.columns },
    );
    return { buffer: Buffer.from(csv), contentType: 'text/csv; charset=utf-8', filename: `${base}.csv` };
  },
} satisfies Record<string, ActionHandler>;
