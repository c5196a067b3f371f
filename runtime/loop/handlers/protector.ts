/**
 * LOOP Protector actions (spec/loop/protector.yaml): the item state machine (runtime/loop/protector/protector-items.ts),
 * the public verification a buyer runs before buying second-hand (no token, rate limited, no personal
 * data, logged), staff search and reports.
 */
import {
  protectorCategoryResource as categories,
  protectorItemResource as itemResource,
  protectorRecoveryCaseResource as recoveryCases,
  protectorSerialResource as serials,
  protectorVerificationRequestResource as verificationResource,
} from '../../../generated/loop/server/protector.ts';
import { loopServices } from '../auth/loop-services.ts';
import { notFound } from '../../http/api-error.ts';
import { enforceRateLimit } from '../../ratelimit/rate-limit.ts';
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import type { ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { dateRange } from '../handler-kit/date-range.ts';
import { pageOf } from '../handler-kit/paging.ts';
import { protectorItemHandlers } from '../protector/protector-items.ts';
import { companyId, companyTimezone } from '../handler-kit/tenant.ts';
import { toWire, wireColumns } from '../handler-kit/rows.ts';

/** Checks a minute per client IP; enough for a shop, too few to walk the ID space. */
export const PUBLIC_VERIFY_PER_MINUTE = 30;

const MESSAGES: Record<string, string> = {
  registered: 'This item is registered with LOOP Protector and has not been reported lost or stolen.',
  transferred: 'This item is registered with LOOP Protector and has changed owner through a recorded transfer.',
  recovered: 'This item was reported missing and has since been recovered by its owner.',
  found: 'This item was reported missing and has been found; it has not yet been returned to its owner. Do not buy it.',
  lost: 'This item has been reported LOST. Do not buy it; contact the police or the seller’s registrar.',
  stolen: 'This item has been reported STOLEN. Do not buy it; contact the police.',
};
const RESULT: Record<string, string> = { lost: 'lost', stolen: 'stolen', found: 'lost' };

async function publicVerify(a: LoopArgs<'protector.publicVerify'>): Promise<ActionResult> {
  const db = a.ctx.db;
  await enforceRateLimit(loopServices(db).limiter, 'protector-public-verify', `ip:${a.ctx.ip}`, PUBLIC_VERIFY_PER_MINUTE);
  const query = String(a.params.protector_id ?? '')
    .trim()
    .toUpperCase()
    .slice(0, 20);
  const item = await db(`${itemResource.table} as i`)
    .join(`${categories.table} as c`, 'c.id', 'i.category_id')
    .whereRaw('upper(i.protector_id) = ?', [query])
    .whereNull('i.deleted_at')
    .orderBy('i.id')
    .first('i.id', 'i.company_id', 'i.protector_id', 'i.name', 'i.brand', 'i.status', 'i.is_public', 'i.created_at', 'c.name as category');
  if (!item) throw notFound('No item is registered under this Protector ID.');
  const now = new Date();
  // The verification log is the audit trail of public checks; it belongs to the item's company.
  await db(verificationResource.table).insert({
    company_id: item.company_id,
    item_id: item.id,
    query,
    channel: 'public_web',
    result: item.is_public ? (RESULT[item.status] ?? 'clear') : 'not_found',
    ip: a.ctx.ip.slice(0, 45),
    checked_at: now,
    created_at: now,
    updated_at: now,
  });
  // Owners may hide an item from public checks; it then looks unregistered.
  if (!item.is_public) throw notFound('No item is registered under this Protector ID.');
  return {
    body: {
      protector_id: item.protector_id,
      name: item.name,
      category: item.category,
      brand: item.brand ?? null,
      status: item.status,
      is_flagged: item.status === 'lost' || item.status === 'stolen' || item.status === 'found',
      registered_at: new Date(item.created_at).toISOString(),
      message: MESSAGES[item.status] ?? MESSAGES.registered,
    },
  };
}

async function search(a: LoopArgs<'protector.search'>): Promise<ActionResult> {
  const db = a.trx;
  const company = companyId(a);
  const t = itemResource.table;
  const like = `%${a.query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const q = db(t)
    .where(`${t}.company_id`, company)
    .whereNull(`${t}.deleted_at`)
    .where((w) => {
      for (const col of ['protector_id', 'name', 'brand', 'model_name', 'owner_name', 'owner_phone', 'owner_email'])
        w.orWhere(`${t}.${col}`, 'ilike', like);
      w.orWhereExists(
        db(`${serials.table} as s`)
          .whereRaw('s.item_id = ??', [`${t}.id`])
          .whereNull('s.deleted_at')
          .where('s.value', 'ilike', like),
      );
    })
    .select(wireColumns(db, itemResource))
    .orderBy([
      { column: `${t}.created_at`, order: 'desc' },
      { column: `${t}.id`, order: 'desc' },
    ]);
  if (a.query.status !== undefined) q.where(`${t}.status`, a.query.status);
  if (a.query.category !== undefined) q.where(`${t}.category_id`, a.query.category);
  return { body: await pageOf(a, 'protector/search/', q, (row) => toWire(itemResource, row)) };
}

async function reports(a: LoopArgs<'protector.reports'>): Promise<ActionResult> {
  const db = a.trx;
  const company = companyId(a);
  const { from, to } = dateRange(a.query);
  const tz = await companyTimezone(db, company);
  const inRange = (col: string) => db.raw(`(${col} at time zone ?)::date between ?::date and ?::date`, [tz, from, to]);
  const category = a.query.category;
  const items = () => {
    const q = db(`${itemResource.table} as i`).where('i.company_id', company).whereNull('i.deleted_at');
    if (category !== undefined) q.where('i.category_id', category);
    return q;
  };
  const cases = () =>
    items()
      .join(`${recoveryCases.table} as rc`, 'rc.item_id', 'i.id')
      .whereNull('rc.deleted_at')
      .whereRaw('?', [inRange('rc.reported_at')]);
  const [registered, caseCounts, verifications, byStatus, regByCat, casesByCat] = await Promise.all([
    items()
      .whereRaw('?', [inRange('i.created_at')])
      .count({ n: '*' })
      .first(),
    cases().first(
      db.raw(
        "count(*) filter (where rc.kind = 'lost')::int as lost, count(*) filter (where rc.kind = 'stolen')::int as stolen, count(*) filter (where rc.recovered_at is not null)::int as recovered",
      ),
    ),
    items()
      .join(`${verificationResource.table} as v`, 'v.item_id', 'i.id')
      .whereNull('v.deleted_at')
      .whereRaw('?', [inRange('v.checked_at')])
      .count({ n: '*' })
      .first(),
    items().groupBy('i.status').select('i.status', db.raw('count(*)::int as n')),
    items()
      .whereRaw('?', [inRange('i.created_at')])
      .groupBy('i.category_id')
      .select('i.category_id', db.raw('count(*)::int as n')),
    cases()
      .groupBy('i.category_id')
      .select(
        'i.category_id',
        db.raw(
          "count(*) filter (where rc.kind = 'lost')::int as lost, count(*) filter (where rc.kind = 'stolen')::int as stolen, count(*) filter (where rc.recovered_at is not null)::int as recovered",
        ),
      ),
  ]);
  const cc = (caseCounts ?? {}) as { lost?: number; stolen?: number; recovered?: number };
  const lost = Number(cc.lost ?? 0);
  const stolen = Number(cc.stolen ?? 0);
  const recovered = Number(cc.recovered ?? 0);
  const cats = (await db(categories.table).where({ company_id: company }).select('id', 'name').orderBy('name')) as {
    id: number | string;
    name: string;
  }[];
  const byCategory = cats
    .map((c) => {
      const reg = (regByCat as Record<string, unknown>[]).find((r) => String(r.category_id) === String(c.id));
      const cs = (casesByCat as Record<string, unknown>[]).find((r) => String(r.category_id) === String(c.id));
      return {
        category: Number(c.id),
        name: c.name,
        registered: Number(reg?.n ?? 0),
        lost: Number(cs?.lost ?? 0),
        stolen: Number(cs?.stolen ?? 0),
        recovered: Number(cs?.recovered ?? 0),
      };
    })
    .filter((c) => category === undefined || c.category === category);
  return {
    body: {
      from,
      to,
      registered: Number((registered as { n?: unknown } | undefined)?.n ?? 0),
      lost,
      stolen,
      recovered,
      recovery_rate: lost + stolen > 0 ? ((recovered / (lost + stolen)) * 100).toFixed(2) : '0.00',
      verifications: Number((verifications as { n?: unknown } | undefined)?.n ?? 0),
      by_status: Object.fromEntries((byStatus as Record<string, unknown>[]).map((r) => [r.status, Number(r.n)])),
      by_category: byCategory,
    },
  };
}

export const protectorHandlers = {
  ...protectorItemHandlers,
  'protector.publicVerify': publicVerify,
  'protector.search': search,
  'protector.reports': reports,
} satisfies Partial<LoopHandlers>;
