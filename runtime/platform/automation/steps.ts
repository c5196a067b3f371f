/**
 * The steps the runtime can perform for automations, scheduled jobs and declarative functions —
 * nothing else, and no user code: `create_object` {object_type, properties}, `update_object`
 * {object_type, object_id, properties}, `emit_event` / `webhook` {event, data} (queued to the
 * tenant's matching webhooks), `send_email` {to, subject, text} (outbox). Values are templates
 * over the run context (`{{data.email}}`, `{{steps.0.id}}`). Steps run inside a savepoint: a
 * failing step undoes the run's earlier steps, and the run is still recorded as failed.
 */
import type { Knex } from 'knex';
import { isApiError } from '../../http/api-error.ts';
import { enqueueMail } from '../../effects/mail/mailer.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { insertObject, loadType, updateObject } from '../objects/object-store.ts';
import { emitEvent } from '../webhooks/emit-event.ts';
import { render } from './conditions.ts';

export const STEP_TYPES = ['create_object', 'update_object', 'emit_event', 'webhook', 'send_email'] as const;

export interface RunResult {
  status: 'succeeded' | 'failed';
  steps: Record<string, unknown>[];
  error: string | null;
}

const str = (v: unknown, name: string) => {
  if (typeof v !== 'string' || !v) throw new Error(`${name} is required`);
  return v;
};

async function runStep(db: Knex, tenant: number, step: Record<string, unknown>, by: string | null): Promise<Record<string, unknown>> {
  switch (step.type) {
    case 'create_object': {
      const type = await loadType(db, tenant, str(step.object_type, 'object_type'));
      const row = await insertObject(db, tenant, type, step.properties ?? {}, by);
      return { id: row.id, object_type_id: type.id };
    }
    case 'update_object': {
      const type = await loadType(db, tenant, str(step.object_type, 'object_type'));
      const row = await updateObject(db, tenant, type, str(step.object_id, 'object_id'), step.properties ?? {}, by);
      return { id: row.id, version: row.version };
    }
    case 'emit_event':
    case 'webhook': {
      const deliveries = await emitEvent(db, tenant, str(step.event, 'event'), step.data ?? {});
      return { event: step.event, deliveries };
    }
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
      throw new Error(`step type "${String(step.type)}" is not one this runtime performs (${STEP_TYPES.join(', ')})`);
  }
}

export async function runSteps(
  trx: Knex,
  tenant: number,
  steps: unknown,
  context: Record<string, unknown>,
  by: string | null,
): Promise<RunResult> {
  const list = Array.isArray(steps) ? steps : [];
  const done: Record<string, unknown>[] = [];
  try {
    await trx.transaction(async (sp) => {
      for (const [i, raw] of list.entries()) {
        const step = render(raw, { ...context, steps: done.map((d) => d.result) }) as Record<string, unknown>;
        try {
          done.push({ index: i, type: step?.type, result: await runStep(sp, tenant, step ?? {}, by) });
        } catch (e) {
          throw new Error(
            `step ${i} (${String(step?.type)}): ${isApiError(e) ? `${e.message} ${JSON.stringify((e as { fields?: unknown }).fields ?? {})}` : (e as Error).message}`,
          );
        }
      }
    });
    return { status: 'succeeded', steps: done, error: null };
  } catch (e) {
    return { status: 'failed', steps: done.map((d) => ({ ...d, rolled_back: true })), error: (e as Error).message };
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
