/**
 * `automation.run`: appended when an automation run has acted (succeeded, failed, cut off as a loop),
 * not for skipped runs, so webhooks and realtime clients see outcomes without a flood of "conditions
 * not met". It carries the run's causation one hop further, so an automation triggered by
 * `automation.run` that makes runs of its own is cut off like any other loop.
 */
import type { Knex } from 'knex';
import { type Causation, nextCausation } from './causation.ts';
import { publish } from './publish.ts';

export const RUN_EVENT = 'automation.run';

export async function announceRun(
  trx: Knex,
  tenant: number,
  automationId: string,
  runId: string,
  run: Record<string, unknown>,
  from: Causation,
): Promise<void> {
  await publish(
    trx,
    tenant,
    RUN_EVENT,
    {
      automation_id: automationId,
      run_id: runId,
      status: run.status,
      trigger: run.trigger ?? null,
      event_id: run.event_id ?? null,
      event_type: run.event_type ?? null,
      attempt: run.attempt ?? null,
      error: run.error ?? null,
      error_code: run.error_code ?? null,
    },
    nextCausation(from, automationId),
  );
}
