/**
 * Cron expressions of scheduled jobs, parsed by cron-parser — chosen over croner because it is the
 * parser pg-boss uses for its own schedules (one cron dialect in the project), is maintained, and
 * computes the next occurrence after any instant we hand it (the scheduler's injected clock).
 *
 * Accepted: five fields (minute hour day-of-month month day-of-week), or six with a single leading
 * second, or an alias (@hourly, @daily, @weekly, …). Times are UTC. Refused, with the reason: more
 * than one run a minute (the scheduler claims one run per job per tick), Jenkins `H` (its hash would
 * differ between processes) and anything cron-parser rejects.
 */
import { CronExpressionParser } from 'cron-parser';

const ALIASES = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly', '@minutely', '@weekdays', '@weekends'];

function parse(expr: string, after: Date) {
  return CronExpressionParser.parse(expr, { currentDate: after, tz: 'UTC' });
}

/** Why `expr` is not a usable cron expression, or null when it is. */
export function cronError(expr: unknown): string | null {
  if (typeof expr !== 'string' || !expr.trim()) return 'must be a cron expression such as "*/5 * * * *"';
  const text = expr.trim();
  if (text.startsWith('@')) return ALIASES.includes(text.toLowerCase()) ? null : `unknown alias; use one of ${ALIASES.join(', ')}`;
  const fields = text.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6)
    return `has ${fields.length} fields; use 5 (minute hour day-of-month month day-of-week) or 6 with a leading second`;
  // A field (or list item) that is H, H/n or H(a-b); no month or day name starts with H.
  if (/(^|[\s,])H(?![a-z])/i.test(text)) return 'the H (hash) form is not supported; give explicit values';
  let parsed;
  try {
    parsed = parse(text, new Date());
  } catch (e) {
    return `is not a valid cron expression: ${(e as Error).message}`;
  }
  if (parsed.fields.second.values.length !== 1) return 'runs more than once a minute; the scheduler runs a job at most once a minute';
  return null;
}

/** The first occurrence strictly after `after` (UTC); null when the expression never fires again. */
export function nextRun(expr: string, after: Date): Date | null {
  const text = expr.trim();
  const it = parse(ALIASES.includes(text.toLowerCase()) ? text.toLowerCase() : text, after);
  return it.hasNext() ? it.next().toDate() : null;
}
