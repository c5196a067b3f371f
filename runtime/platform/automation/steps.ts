/**
 * The steps the runtime can perform for automations, scheduled jobs and declarative functions —
 * nothing else, and no user code: `create_object` {object_type, properties}, `update_object`
 * {object_type, object_id, properties}, `emit_event` {event, data} (a domain event: webhooks,
 * realtime and other automations see it), `webhook` {event, data} the same, or with `url` an
 * `http_request` {url, method?, headers?, body?} (http-step.ts), `send_email` {to, subject, text}
 * (outbox). Values are templates over the run context (`{{data.email}}`, `{{steps.0.id}}`).
 *
 * Steps that write append their domain events (object.created, object.updated, …) in the same
 * transaction, carrying the run's causation (causation.ts) so automations cannot loop forever. Steps
 * run inside a savepoint: a failing step undoes the run's earlier steps, and the run is still
 * recorded as failed, with whether a retry could help (step-error.ts).
 */
import type { Knex } from 'knex';
import { isApiError } from '../../http/api-error.ts';
import { enqueueMail } from '../../effects/mail/mailer.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { insertObject, loadType, objectView, updateObject } from '../objects/object-store.ts';
import { asObject } from '../http/action-context.ts';
import { render } from './conditions.ts';
import type { Causation } from './causation.ts';
import { httpStep } from './http-step.ts';
import { publish } from './publish.ts';
import { StepError } from './step-error.ts';

export const STEP_TYPES = ['create_object', 'update_object', 'emit_event', 'webhook', 'http_request', 'send_email'] as const;

export interface RunResult {
  status: 'succeeded' | 'failed';
  steps: Record<string, unknown>[];
  error: string | null;
  /** On failure: whether running the steps again could succeed (network, 5xx, database); false for a step's own mistake. */
  retryable?: boolean;
}

export interface StepOptions {
  /** Set when the run handles an event: the events its writes append carry it. */
  readonly causation?: Causation | null;
}

const str = (v: unknown, name: string) => {
  if (typeof v !== 'string' || !v) throw new StepError(`${name} is required`, false);
  return v;
};

async function runStep(
  db: Knex,
  tenant: number,
  step: Record<string, unknown>,
  by: string | null,
  causation: Causation | null,
): Promise<Record<string, unknown>> {
  switch (step.type) {
    case 'create_object': {
      const type = await loadType(db, tenant, str(step.object_type, 'object_type'));
      const row = await insertObject(db, tenant, type, step.properties ?? {}, by);
      const event = await publish(db, tenant, 'object.created', objectView(row), causation);
      return { id: row.id, object_type_id: type.id, event_id: event.id };
    }
    case 'update_object': {
      const type = await loadType(db, tenant, str(step.object_type, 'object_type'));
      const row = await updateObject(db, tenant, type, str(step.object_id, 'object_id'), step.properties ?? {}, by);
      const event = await publish(db, tenant, 'object.updated', objectView(row), causation);
      return { id: row.id, version: row.version, event_id: event.id };
    }
    case 'webhook':
      if (step.url !== undefined) return httpStep(step);
    // falls through: a webhook without a url is an event for the tenant's webhook subscriptions
    case 'emit_event': {
      const type = str(step.event, 'event');
      if (!/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/i.test(type)) throw new StepError('event must be a dotted name such as deal.won', false);
      const event = await publish(db, tenant, type, asObject(step.data), causation);
      return { event: type, event_id: event.id };
    }
    case 'http_request':
      return httpStep(step);
    case 'send_email': {
      const id = await enqueueMail(db, {
        to: str(step.to, 'to'),
        subject: str(step.subject, 'subject'),
        text: String(step.text ?? ''),
        companyId: tenant,
        payload: { kind: 'automation' },
      });
      return { outbox_id: id };
    }
    default:
      throw new StepError(`step type "${String(step.type)}" is not one this runtime performs (${STEP_TYPES.join(', ')})`, false);
  }
}

/** A 4xx ApiError (validation, not found) and a StepError marked permanent will fail again; anything else might not. */
function retryableError(e: unknown): boolean {
  if (e instanceof StepError) return e.retryable;
  if (isApiError(e)) return e.status >= 500;
  return true;
}

export async function runSteps(
  trx: Knex,
  tenant: number,
  steps: unknown,
  context: Record<string, unknown>,
  by: string | null,
  opts: StepOptions = {},
): Promise<RunResult> {
  const list = Array.isArray(steps) ? steps : [];
  const done: Record<string, unknown>[] = [];
  // A failure outside any step (the savepoint itself) is the database's: worth another try.
  let retryable = true;
  try {
    await trx.transaction(async (sp) => {
      for (const [i, raw] of list.entries()) {
        const step = render(raw, { ...context, steps: done.map((d) => d.result) }) as Record<string, unknown>;
        try {
          done.push({ index: i, type: step?.type, result: await runStep(sp, tenant, step ?? {}, by, opts.causation ?? null) });
        } catch (e) {
          retryable = retryableError(e);
          throw new Error(
            `step ${i} (${String(step?.type)}): ${isApiError(e) ? `${e.message} ${JSON.stringify((e as { fields?: unknown }).fields ?? {})}` : (e as Error).message}`,
          );
        }
      }
    });
    return { status: 'succeeded', steps: done, error: null };
  } catch (e) {
    return { status: 'failed', steps: done.map((d) => ({ ...d, rolled_back: true })), error: (e as Error).message, retryable };
  }
}

/** A run row (pf_records `kind`, parent = the automation/job/function/integration). */
export async function recordRun(
  trx: Knex,
  tenant: number,
  kind: string,
  parentId: string,
  data: Record<string, unknown>,
  by: string | null,
): Promise<string> {
  const id = newId('run');
  await trx(T.records).insert({
    id,
    company_id: tenant,
    kind,
    parent_id: parentId,
    data: JSON.stringify({ ...data, finished_at: new Date().toISOString() }),
    created_by: by,
    created_at: trx.fn.now(),
    updated_at: trx.fn.now(),
  });
  return id;
}
