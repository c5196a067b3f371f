/**
 * Automations on their trigger events. The job engine (runtime/jobs/) calls `runAutomationsForEvent`
 * once per domain event and calls it again, with back-off, when it throws. For each of the tenant's
 * enabled automations whose `trigger_event` matches (`object.created`, `object.*` or `*`), in its own
 * transaction: conditions are evaluated against `{event, data, automation}`, the actions run
 * (steps.ts), and the run is recorded (pf_records `automation_runs`, listed by GET
 * /v1/automations/:id/runs) with the event it handled and its attempt number.
 *
 * A run's outcome is final once it succeeded, was skipped, was cut off as a loop (causation.ts) or
 * failed in a way a retry cannot fix; a re-delivered event skips automations with a final run, so each
 * automation acts on an event once. A retryable failure (network, 5xx, database) is recorded and the
 * call throws so the engine retries later; after MAX_ATTEMPTS it is dead-lettered
 * (dead-letters.ts) and shows in GET /v1/dlq.
 */
import type { Knex } from 'knex';
import type { DomainEvent } from '../events/event-log.ts';
import { T } from '../tables.ts';
import { holds } from './conditions.ts';
import { LOOP_CODE, MAX_DEPTH, causationOf, loopMessage, nextCausation } from './causation.ts';
import { deadLetter, letterEvent } from './dead-letters.ts';
import { recordRun, runSteps } from './steps.ts';
import { RUN_EVENT, announceRun } from './run-event.ts';

/** Attempts of one automation on one event before it is dead-lettered. */
export const MAX_ATTEMPTS = 3;

interface Outcome {
  readonly next: 'done' | 'retry';
  /** The run recorded now; null when an earlier final run made this call a no-op. */
  readonly runId: string | null;
  readonly status: string | null;
}

/**
 * The trigger values that match an event type: itself, its family (`object.*`) and `*`. An
 * automation's own `automation.run` events match only `automation.run` and `automation.*`: with `*`
 * every run would trigger every catch-all automation again.
 */
export function triggersFor(type: string): string[] {
  const dot = type.indexOf('.');
  return [type, ...(dot > 0 ? [`${type.slice(0, dot)}.*`] : []), ...(type === RUN_EVENT ? [] : ['*'])];
}

export async function runAutomationsForEvent(db: Knex, event: DomainEvent): Promise<void> {
  const automations = await db(T.automations)
    .where({ company_id: event.tenant })
    .whereIn('trigger_event', triggersFor(event.type))
    // As for a manual trigger, only enabled = false switches an automation off.
    .andWhere((q) => q.whereNull('enabled').orWhere('enabled', true))
    .orderBy('created_at')
    .orderBy('id');
  const retry: string[] = [];
  for (const auto of automations) {
    if ((await runOne(db, auto, event)).next === 'retry') retry.push(auto.id);
  }
  if (retry.length) throw new Error(`automations ${retry.join(', ')} failed on event ${event.id} (${event.type}) and will be retried`);
}

/**
 * One automation on one event. `retryOfDeadLetter` (POST /v1/dlq/:id/retry): one more attempt even
 * though the last run was final; a retryable failure then dead-letters again.
 */
export async function runOne(db: Knex, auto: Record<string, any>, event: DomainEvent, retryOfDeadLetter = false): Promise<Outcome> {
  const tenant = event.tenant;
  return db.transaction(async (trx) => {
    // Two workers handed the same event (a redelivery racing a slow first run) take turns here,
    // and the second sees the first's final run.
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`automation:${auto.id}:${event.id}`]);
    const previous = await trx(T.records)
      .where({ company_id: tenant, kind: 'automation_runs', parent_id: auto.id })
      .whereRaw("data->>'event_id' = ?", [event.id])
      .select('data');
    if (!retryOfDeadLetter && previous.some((p) => (p.data as { final?: boolean })?.final))
      return { next: 'done', runId: null, status: null };
    const attempt = previous.length + 1;
    const base = {
      trigger: retryOfDeadLetter ? 'dead_letter_retry' : 'event',
      event_type: event.type,
      event_id: event.id,
      event_seq: Number(event.seq),
      input: event.data,
      attempt,
    };
    const from = causationOf(event.id, event.data);
    const record = (data: Record<string, unknown>) => recordRun(trx, tenant, 'automation_runs', auto.id, { ...base, ...data }, null);
    const finish = async (data: Record<string, unknown>, next: Outcome['next'] = 'done'): Promise<Outcome> => {
      const runId = await record(data);
      if (data.status !== 'skipped') await announceRun(trx, tenant, auto.id, runId, { ...base, ...data }, from);
      return { next, runId, status: String(data.status) };
    };
    const ctx = {
      event: { id: event.id, type: event.type, seq: Number(event.seq), created_at: event.created_at },
      data: event.data,
      automation: { id: auto.id, name: auto.name },
      trigger: event.type,
    };

    let met: boolean;
    try {
      met = holds(auto.conditions, ctx);
    } catch (e) {
      return finish({ status: 'failed', error: `conditions: ${(e as Error).message}`, steps: [], final: true });
    }
    if (!met) {
      return finish({ status: 'skipped', reason: 'conditions not met', steps: [], final: true });
    }
    if (from.depth >= MAX_DEPTH) {
      return finish({
        status: 'failed',
        error_code: LOOP_CODE,
        error: loopMessage(from, auto.id),
        steps: [],
        depth: from.depth,
        final: true,
      });
    }

    const run = await runSteps(trx, tenant, auto.actions, ctx, auto.id, { causation: nextCausation(from, auto.id) });
    const { retryable, ...shown } = run;
    if (run.status === 'succeeded') return finish({ ...shown, depth: from.depth, final: true });
    if (retryable && attempt < MAX_ATTEMPTS && !retryOfDeadLetter) {
      return finish({ ...shown, depth: from.depth, final: false, will_retry: true }, 'retry');
    }
    const out = await finish({ ...shown, depth: from.depth, final: true, dead_lettered: true });
    await deadLetter(trx, tenant, { automationId: auto.id, runId: out.runId!, event, error: run.error, attempts: attempt });
    return out;
  });
}

/**
 * POST /v1/dlq/:id/retry of an automation letter: the letter is removed and the automation runs once
 * more on the stored event; a further failure dead-letters it again. Returns the new run's status.
 */
export async function retryDeadLetter(
  trx: Knex,
  tenant: number,
  letter: Record<string, any>,
): Promise<{ run_id: string | null; status: string }> {
  const auto = await trx(T.automations).where({ company_id: tenant, id: letter.parent_id }).first();
  await trx(T.records).where({ company_id: tenant, id: letter.id }).delete();
  if (!auto) return { run_id: null, status: 'automation_deleted' };
  const out = await runOne(trx, auto, letterEvent(letter), true);
  return { run_id: out.runId, status: out.status ?? 'unknown' };
}
