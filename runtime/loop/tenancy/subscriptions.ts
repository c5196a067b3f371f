/**
 * Which products a company's subscriptions open right now. A subscription opens its `products`
 * (or, when that list is empty, its plan's) while it is `active`, or `trialing` before its trial end,
 * between `starts_at` and `ends_at` (spec/loop/core.yaml, company-subscriptions).
 */
import type { Knex } from 'knex';
import { OPEN_SUBSCRIPTION_STATUSES, T } from '../auth/loop-schema.ts';

export interface SubscriptionRow {
  readonly status: string;
  readonly starts_at: Date | string | null;
  readonly ends_at: Date | string | null;
  readonly trial_ends_at: Date | string | null;
  readonly products: unknown;
  readonly plan_products: unknown;
}

export async function loadSubscriptions(db: Knex, companyId: number): Promise<SubscriptionRow[]> {
  return db(`${T.companySubscriptions} as s`)
    .leftJoin(`${T.subscriptionPlans} as p`, 'p.id', 's.plan_id')
    .where('s.company_id', companyId)
    .whereNull('s.deleted_at')
    .whereIn('s.status', [...OPEN_SUBSCRIPTION_STATUSES])
    .select('s.status', 's.starts_at', 's.ends_at', 's.trial_ends_at', 's.products', 'p.products as plan_products');
}

function jsonList(v: unknown): string[] {
  const arr = typeof v === 'string' ? JSON.parse(v) : v;
  return Array.isArray(arr) ? arr.map(String) : [];
}

const time = (v: Date | string | null) => (v == null ? null : new Date(v).getTime());

/** Product codes opened at `now` by the given subscriptions. */
export function openProducts(subs: readonly SubscriptionRow[], now: number): Set<string> {
  const open = new Set<string>();
  for (const s of subs) {
    if (!(OPEN_SUBSCRIPTION_STATUSES as readonly string[]).includes(s.status)) continue;
    const starts = time(s.starts_at);
    const ends = time(s.ends_at);
    const trialEnds = time(s.trial_ends_at);
    if (starts !== null && starts > now) continue;
    if (ends !== null && ends <= now) continue;
    if (s.status === 'trialing' && trialEnds !== null && trialEnds <= now) continue;
    const own = jsonList(s.products);
    for (const p of own.length ? own : jsonList(s.plan_products)) open.add(p);
  }
  return open;
}
