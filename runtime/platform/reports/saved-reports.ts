/**
 * Read-only views: public dashboards (share token), saved-report run/export over object data,
 * and access-policy simulation (stored or inline policies evaluated against a described request).
 */
import { stringify } from 'csv-stringify/sync';
import type { ActionContext, HandlerRegistry } from '../../runtime-api.ts';
import { notFound, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { holds, lookup } from '../automation/conditions.ts';
import { loadType, objects } from '../objects/object-store.ts';
import { applyFilter, type Filter } from '../objects/object-query.ts';
import { bodyOf, iso, param, tenantOf } from './context.ts';

const MAX_ROWS = 10_000;
const asObject = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * Saved report config: `{object_type, columns?: [property], filters?: [{property, operator, value}],
 * sort?: {property, direction}, limit?}` (limit ≤ 10 000). Rows are the type's live objects.
 */
async function runReport(a: ActionContext) {
  const report = await a.trx('pf_saved_reports').where({ company_id: tenantOf(a), id: param(a, 'report_id') }).first();
  if (!report) throw notFound('Saved report not found.');
  const cfg = asObject(report.config_json);
  if (typeof cfg.object_type !== 'string') throw validation({ config_json: ['needs object_type (the object type id or name the report reads)'] });
  const type = await loadType(a.trx, tenantOf(a), cfg.object_type);
  const q = objects(a.trx, tenantOf(a), type.id).whereNull('deleted_at');
  (Array.isArray(cfg.filters) ? (cfg.filters as Filter[]) : []).forEach((f, i) => applyFilter(q, f, i));
  const sort = asObject(cfg.sort);
  const desc = String(sort.direction ?? 'asc').toLowerCase() === 'desc' ? 'desc' : 'asc';
  if (typeof sort.property === 'string') q.orderByRaw(`properties->>? ${desc} nulls last`, [sort.property]);
  q.orderBy([{ column: 'created_at', order: 'asc' }, { column: 'id', order: 'asc' }]);
  const limit = Math.min(Math.max(Number(cfg.limit) || MAX_ROWS, 1), MAX_ROWS);
  const found: Record<string, unknown>[] = await q.limit(limit).select('id', 'properties', 'created_at');
  const columns: string[] = Array.isArray(cfg.columns) && cfg.columns.length
    ? cfg.columns.map(String)
    : [...new Set(found.flatMap((r) => Object.keys(asObject(r.properties))))].sort() as string[];
  const rows = found.map((r) => ({ id: r.id, ...Object.fromEntries(columns.map((c) => [c, asObject(r.properties)[c] ?? null])), created_at: iso(r.created_at) }));
  return { report, columns: ['id', ...columns, 'created_at'], rows };
}

/**
 * A policy is the stored shape `{name, action, role, condition_json, enabled}` (POST
 * /v1/object-types/:id/policies) or inline `{name?, effect?, actions?, conditions}`: it applies to
 * `action`/`actions` ('*' = all), to callers holding `role` (a role or a list; none = anyone), and
 * matches when its conditions hold over `{auth, row}`. `effect` defaults to allow. Deny wins;
 * without a matching allow the answer is deny.
 */
function evaluate(policies: Record<string, unknown>[], auth: unknown, row: unknown, action: string) {
  const roles = (lookup(auth, 'roles') ?? lookup(auth, 'role')) as unknown;
  const held = new Set((Array.isArray(roles) ? roles : roles == null ? [] : [roles]).map(String));
  const applicable = policies.filter((p) => {
    const acts = p.actions ?? p.action ?? '*';
    const okAction = acts === '*' || acts === action || (Array.isArray(acts) && (acts.includes(action) || acts.includes('*')));
    const need = p.role == null ? [] : (Array.isArray(p.role) ? p.role : [p.role]).map(String);
    return okAction && (need.length === 0 || need.some((r) => held.has(r)));
  });
  const matched = applicable.filter((p) => holds(p.conditions ?? p.condition_json, { auth, row }));
  const deny = matched.find((p) => String(p.effect ?? 'allow') === 'deny');
  const allow = matched.find((p) => String(p.effect ?? 'allow') === 'allow');
  const name = (p: Record<string, unknown>) => p.name ?? p.id ?? null;
  return { allowed: !deny && !!allow, decided_by: deny ? name(deny) : allow ? name(allow) : null, reason: deny ? 'deny policy matched' : allow ? 'allow policy matched' : 'no allow policy matched (default deny)' };
}

export const shareAndReportHandlers: HandlerRegistry = {
  /** Public: the dashboard whose share token this is, only while it is marked public. */
  'dashboards.getPublicDashboard': async (a) => {
    const token = param(a, 'share_token');
    const d = await a.trx(T.dashboards).where({ share_token: token, is_public: true }).first();
    if (!d) throw notFound('No public dashboard has this share link.');
    const widgets = await a.trx(T.records).where({ company_id: d.company_id, kind: 'widgets', parent_id: d.id }).orderBy(['created_at', 'id']).select('id', 'data');
    return { body: { id: d.id, name: d.name, description: d.description, layout_json: d.layout_json ?? null, widgets: widgets.map((w) => ({ id: w.id, ...asObject(w.data) })), read_only: true } };
  },
  'saved-reports.runSavedReport': async (a) => {
    const r = await runReport(a);
    return { body: { report_id: r.report.id, name: r.report.name, columns: r.columns, rows: r.rows, row_count: r.rows.length, truncated: r.rows.length >= MAX_ROWS } };
  },
  /** `?format=csv` (default) through csv-stringify, or `json`. */
  'saved-reports.exportSavedReport': async (a) => {
    const format = String((a.query as Record<string, unknown>).format ?? 'csv').toLowerCase();
    if (!['csv', 'json'].includes(format)) throw validation({ format: ['must be csv or json'] });
    const r = await runReport(a);
    const base = String(r.report.name ?? r.report.id).replace(/[^\w.-]+/g, '_') || 'report';
    if (format === 'json') return { buffer: Buffer.from(JSON.stringify(r.rows)), contentType: 'application/json', filename: `${base}.json` };
    const csv = stringify(r.rows.map((row) => r.columns.map((c) => {
      const v = (row as Record<string, unknown>)[c];
      return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
    })), { header: true, columns: r.columns });
    return { buffer: Buffer.from(csv), contentType: 'text/csv; charset=utf-8', filename: `${base}.csv` };
  },
  /**
   * Body: `policy` (one inline policy or a list) or `object_type_id` (its stored policies), plus
   * `auth_context` (the caller: `{user_id, roles, ...}`), `sample_data` (one row or a list) and
   * `action` (default read). Answers per row whether the request would be allowed and why.
   */
  'governance.simulateRlsPolicy': async (a) => {
    const b = bodyOf(a);
    let policies: Record<string, unknown>[];
    if (b.policy !== undefined && b.policy !== null) policies = (Array.isArray(b.policy) ? b.policy : [b.policy]).map(asObject);
    else if (typeof b.object_type_id === 'string') {
      const type = await loadType(a.trx, tenantOf(a), b.object_type_id);
      const stored = await a.trx(T.records).where({ company_id: tenantOf(a), kind: 'policies', parent_id: type.id }).orderBy(['created_at', 'id']).select('id', 'data');
      policies = stored.map((p): Record<string, unknown> => ({ id: p.id, ...asObject(p.data) })).filter((p) => p.enabled !== false);
    } else throw validation({ policy: ['give a policy (or a list), or object_type_id to use the stored policies'] });
    const rows: unknown[] = Array.isArray(b.sample_data) ? b.sample_data : b.sample_data === undefined ? [{}] : [b.sample_data];
    const action = typeof b.action === 'string' ? b.action : 'read';
    try {
      const results = rows.map((row, i) => ({ index: i, ...evaluate(policies, b.auth_context ?? {}, row, action) }));
      return { body: { action, policies_evaluated: policies.length, results, allowed_count: results.filter((r) => r.allowed).length } };
    } catch (e) {
      throw validation({ policy: [(e as Error).message] });
    }
  },
};
