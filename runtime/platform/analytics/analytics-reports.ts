/**
 * Reports and analytics computed from the tenant's own tables (docs/api/platform-api.txt, "Analytics"): funnel,
 * leaderboard, pipeline and time series over objects (properties in jsonb, filters as in object
 * search), tenant analytics (counts and the period's activity) and the custom-event engine.
 * Report parameters arrive in the query string; list parameters (filters, steps) as JSON.
 */
import type { Knex } from 'knex';
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { loadType, objects } from '../objects/object-store.ts';
import { aggregateObjects, applyFilter, type Filter } from '../objects/object-query.ts';
import { bodyOf, tenantOf } from '../http/action-context.ts';

const PERIODS: Readonly<Record<string, number>> = { '24h': 1, '1d': 1, '7d': 7, '30d': 30, '90d': 90, '365d': 365 };
const INTERVALS = new Set(['hour', 'day', 'week', 'month']);

/** Report inputs: the JSON body of the POST reports, the query of the GET ones. */
function input(a: ActionContext): Readonly<Record<string, unknown>> {
  return a.action.method === 'GET' ? a.query : { ...a.query, ...bodyOf(a) };
}

function jsonParam<T>(a: ActionContext, name: string, fallback: T): T {
  const v = input(a)[name];
  if (v === undefined || v === '') return fallback;
  if (typeof v !== 'string') return v as T;
  try {
    return JSON.parse(v) as T;
  } catch {
    throw validation({ [name]: ['must be JSON'] });
  }
}

/** `{property, operator, value}` objects, or `"property=value"` strings (the funnel example of the platform API document). */
function filtersOf(v: unknown, field: string): Filter[] {
  if (!Array.isArray(v)) throw validation({ [field]: ['must be a list'] });
  return v.map((f) => {
    if (typeof f !== 'string') return f as Filter;
    const m = /^([^=<>!]+)(=|!=|>=|<=|>|<)(.*)$/.exec(f);
    if (!m) throw validation({ [field]: [`cannot read filter "${f}" (use property=value)`] });
    const op = { '=': 'eq', '!=': 'neq', '>=': 'gte', '<=': 'lte', '>': 'gt', '<': 'lt' }[m[2]!]!;
    const raw = m[3]!;
    return {
      property: m[1]!.trim(),
      operator: op,
      value: raw !== '' && !Number.isNaN(Number(raw)) && op !== 'eq' && op !== 'neq' ? Number(raw) : raw,
    };
  });
}

async function typeFor(a: ActionContext) {
  const id = String(input(a).object_type_id ?? '');
  if (!id) throw validation({ object_type_id: ['is required'] });
  return loadType(a.trx, tenantOf(a), id);
}

const str = (a: ActionContext, k: string) => {
  const v = input(a)[k];
  return v === undefined || v === null || v === '' ? undefined : String(v);
};

function periodStart(a: ActionContext): { period: string; since: Date } {
  const period = str(a, 'period') ?? '30d';
  const days = PERIODS[period];
  if (!days) throw validation({ period: [`must be one of ${Object.keys(PERIODS).join(', ')}`] });
  return { period, since: new Date(Date.now() - days * 86400_000) };
}

async function count(q: Knex.QueryBuilder): Promise<number> {
  return Number((await q.count({ n: '*' }).first())?.n ?? 0);
}

export const analyticsReports = {
  funnelReport: async (a) => {
    const type = await typeFor(a);
    const steps = jsonParam<{ name?: string; filters?: unknown[] }[]>(a, 'steps', []);
    if (!Array.isArray(steps) || steps.length === 0 || steps.length > 20) throw validation({ steps: ['give 1–20 steps'] });
    const base = filtersOf(jsonParam(a, 'filters', []), 'filters');
    const acc: Filter[] = [...base];
    const out: Record<string, unknown>[] = [];
    for (const [i, s] of steps.entries()) {
      acc.push(...filtersOf(s.filters ?? [], `steps.${i}.filters`));
      const q = objects(a.trx, tenantOf(a), type.id).whereNull('deleted_at');
      acc.forEach((f, j) => applyFilter(q, f, j));
      const n = await count(q);
      const first = (out[0]?.count as number | undefined) ?? n;
      const prev = (out[i - 1]?.count as number | undefined) ?? n;
      out.push({
        name: s.name ?? `Step ${i + 1}`,
        count: n,
        conversion_from_previous: prev ? n / prev : 0,
        conversion_from_start: first ? n / first : 0,
      });
    }
    return { body: { object_type_id: type.id, steps: out } };
  },
  leaderboardReport: async (a) => {
    const type = await typeFor(a);
    const group = str(a, 'group_by');
    if (!group) throw validation({ group_by: ['is required'] });
    const fn = str(a, 'aggregation') ?? 'count';
    const prop = str(a, 'value_property');
    const rows: Record<string, any>[] = await aggregateObjects(
      a.trx,
      tenantOf(a),
      type.id,
      [{ function: fn, property_id: fn === 'count' ? undefined : prop, alias: 'value' }],
      filtersOf(jsonParam(a, 'filters', []), 'filters'),
      [group],
    );
    const limit = Math.min(Math.max(Number(str(a, 'limit')) || 10, 1), 100);
    const sorted = rows
      .map((r) => ({ key: (r[group] as string | null) ?? null, value: Number(r.value ?? 0) }))
      .sort((x, y) => y.value - x.value || String(x.key).localeCompare(String(y.key)))
      .slice(0, limit);
    return { body: { object_type_id: type.id, group_by: group, aggregation: fn, entries: sorted.map((e, i) => ({ rank: i + 1, ...e })) } };
  },
  pipelineReport: async (a) => {
    const type = await typeFor(a);
    const stage = str(a, 'stage_property');
    if (!stage) throw validation({ stage_property: ['is required'] });
    const prop = str(a, 'value_property');
    const aggs = [{ function: 'count', alias: 'count' }, ...(prop ? [{ function: 'sum', property_id: prop, alias: 'value' }] : [])];
    const rows: Record<string, any>[] = await aggregateObjects(
      a.trx,
      tenantOf(a),
      type.id,
      aggs,
      filtersOf(jsonParam(a, 'filters', []), 'filters'),
      [stage],
    );
    // Stages in the property's enum order when it has one, otherwise by name.
    const def = await a.trx(T.properties).where({ object_type_id: type.id, name: stage }).first('enum_values');
    const order: string[] = Array.isArray(def?.enum_values) ? def.enum_values.map(String) : [];
    const total = rows.reduce((s, r) => s + Number(r.count), 0);
    const stages = order
      .map((name) => rows.find((r) => r[stage] === name) ?? { [stage]: name, count: 0, value: 0 })
      .concat(rows.filter((r) => !order.includes(r[stage] as string)).sort((x, y) => String(x[stage]).localeCompare(String(y[stage]))))
      .map((r) => ({
        stage: r[stage] ?? null,
        count: Number(r.count),
        ...(prop ? { value: Number(r.value ?? 0) } : {}),
        share: total ? Number(r.count) / total : 0,
      }));
    return { body: { object_type_id: type.id, stage_property: stage, total, stages } };
  },
  timeSeriesReport: async (a) => {
    const type = await typeFor(a);
    const interval = str(a, 'interval') ?? 'day';
    if (!INTERVALS.has(interval)) throw validation({ interval: ['must be hour, day, week or month'] });
    const fn = str(a, 'aggregation') ?? 'count';
    const prop = str(a, 'value_property');
    if (fn !== 'count' && !prop) throw validation({ value_property: ['is required unless aggregation is count'] });
    const dateProp = str(a, 'date_property');
    const dateExpr = dateProp ? a.trx.raw('(properties->>?)::timestamptz', [dateProp]) : a.trx.raw('created_at');
    const q = objects(a.trx, tenantOf(a), type.id).whereNull('deleted_at');
    filtersOf(jsonParam(a, 'filters', []), 'filters').forEach((f, i) => applyFilter(q, f, i));
    if (dateProp) q.whereRaw('properties->>? is not null', [dateProp]);
    const start = str(a, 'start_date');
    const end = str(a, 'end_date');
    if (start) q.where(dateExpr, '>=', new Date(start));
    if (end) q.where(dateExpr, '<', new Date(end));
    const value =
      fn === 'count' ? a.trx.raw('count(*)::float as value') : a.trx.raw(`${fn}((properties->>?)::numeric)::float as value`, [prop!]);
    // date_trunc in UTC so buckets do not depend on the server's time zone.
    const rows = await q
      .select(
        a.trx.raw(`to_char(date_trunc(?, (?) at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as bucket`, [interval, dateExpr]),
        value,
      )
      .groupByRaw('1')
      .orderByRaw('1');
    const series = (rows as Record<string, any>[]).map((r) => ({ period: String(r.bucket), value: Number(r.value ?? 0) }));
    return { body: { object_type_id: type.id, interval, aggregation: fn, series } };
  },
  getTenantAnalytics: async (a) => {
    const tenant = tenantOf(a);
    const { period, since } = periodStart(a);
    const byType = await a
      .trx(T.objects)
      .join(T.objectTypes, `${T.objectTypes}.id`, `${T.objects}.object_type_id`)
      .where(`${T.objects}.company_id`, tenant)
      .whereNull(`${T.objects}.deleted_at`)
      .groupBy(`${T.objectTypes}.name`)
      .orderBy(`${T.objectTypes}.name`)
      .select(`${T.objectTypes}.name as name`)
      .count({ n: '*' });
    const recent = (table: string, extra?: (q: Knex.QueryBuilder) => void) => {
      const q = a.trx(table).where({ company_id: tenant }).where('created_at', '>=', since);
      extra?.(q);
      return count(q);
    };
    return {
      body: {
        period,
        since: since.toISOString(),
        totals: {
          objects: await count(a.trx(T.objects).where({ company_id: tenant }).whereNull('deleted_at')),
          object_types: await count(a.trx(T.objectTypes).where({ company_id: tenant })),
          users: await count(a.trx(T.users).where({ company_id: tenant })),
          files: await count(a.trx(T.files).where({ company_id: tenant }).whereNull('deleted_at')),
          webhooks: await count(a.trx(T.webhooks).where({ company_id: tenant })),
        },
        objects_by_type: (byType as Record<string, any>[]).map((r) => ({ object_type: r.name, count: Number(r.n) })),
        activity: {
          objects_created: await recent(T.objects),
          files_uploaded: await recent(T.files),
          users_created: await recent(T.users),
          webhook_deliveries: await recent(T.webhookDeliveries),
          events_tracked: await recent(T.records, (q) => q.where({ kind: 'events' })),
        },
      },
    };
  },
  analyticsEngineQuery: async (a) => {
    const tenant = tenantOf(a);
    const { period, since } = periodStart(a);
    const base = () => a.trx(T.records).where({ company_id: tenant, kind: 'events' }).where('created_at', '>=', since);
    const byName = await base()
      .select(a.trx.raw("coalesce(data->>'event_type', data->>'event', 'unnamed') as event"))
      .count({ n: '*' })
      .groupByRaw('1')
      .orderByRaw('1');
    const byDay = await base()
      .select(a.trx.raw("to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day"))
      .count({ n: '*' })
      .groupByRaw('1')
      .orderByRaw('1');
    return {
      body: {
        period,
        since: since.toISOString(),
        total: (byName as Record<string, any>[]).reduce((s, r) => s + Number(r.n), 0),
        by_event: (byName as Record<string, any>[]).map((r) => ({ event: r.event, count: Number(r.n) })),
        by_day: (byDay as Record<string, any>[]).map((r) => ({ day: r.day, count: Number(r.n) })),
      },
    };
  },
} satisfies Record<string, ActionHandler>;
