/** `from`/`to` query dates of the report actions: inclusive, ordered, bounded. */
import { validation } from '../../http/api-error.ts';

const DAY_MS = 86_400_000;

/** Query dates arrive as `YYYY-MM-DD` strings (or Dates, depending on the validator); returns strings. */
export function dateText(v: unknown): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
}

export function dateRange(query: Readonly<Record<string, unknown>>, maxDays?: number): { from: string; to: string; days: number } {
  const from = dateText(query.from);
  const to = dateText(query.to);
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
  if (days < 1) throw validation({ to: ['Must be on or after "from".'] });
  if (maxDays !== undefined && days > maxDays) throw validation({ to: [`The range may span at most ${maxDays} days.`] });
  return { from, to, days };
}

/** The `n`-th day after `from` as `YYYY-MM-DD`. */
export function addDays(from: string, n: number): string {
  return new Date(Date.parse(`${from}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}
