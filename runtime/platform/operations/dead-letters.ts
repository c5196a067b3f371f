/**
 * The dead-letter queue (docs/api/platform-api.txt, "Operations"): the webhook deliveries that failed for good (status
 * `failed` after MAX_ATTEMPTS, runtime/platform/webhooks/deliver.ts) and the automation runs that did
 * (runtime/platform/automation/dead-letters.ts, ids `dlq_…`) — list (newest first), retry (one more
 * attempt now) or discard.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { notFound } from '../../http/api-error.ts';
import { DELIVERIES } from '../webhooks/emit-event.ts';
import { T } from '../tables.ts';
import { attemptDelivery } from '../webhooks/deliver.ts';
import { param, tenantOf } from '../http/action-context.ts';
import { deliveryView } from '../webhooks/webhook-actions.ts';
import { deadLetters, letterView } from '../automation/dead-letters.ts';
import { retryDeadLetter } from '../automation/on-event.ts';

const isLetter = (id: string) => id.startsWith('dlq_');

async function letterOf(a: ActionContext) {
  const row = await deadLetters(a.trx, tenantOf(a))
    .where({ id: param(a, 'msg_id') })
    .first();
  if (!row) throw notFound('No dead-lettered message with this id.');
  return row;
}

const dead = (a: ActionContext) => a.trx(DELIVERIES).where({ company_id: tenantOf(a), status: 'failed' });

async function deadOne(a: ActionContext) {
  const row = await dead(a)
    .where({ id: param(a, 'msg_id') })
    .first();
  if (!row) throw notFound('No dead-lettered message with this id.');
  return row;
}

export const deadLetterActions = {
  listDlqMessages: async (a) => {
    const q = a.query;
    const limit = Math.min(Math.max(Number(q.limit) || 50, 1), 100);
    const offset = Math.max(Number(q.offset) || 0, 0);
    // Both sources newest first, merged: the first offset+limit of each hold the page.
    const hooks = await dead(a)
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(offset + limit);
    const letters = await deadLetters(a.trx, tenantOf(a))
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(offset + limit);
    const merged = [
      ...hooks.map((r) => ({ at: new Date(r.updated_at).getTime(), view: { ...deliveryView(r), source: 'webhook_delivery' } })),
      ...letters.map((r) => ({ at: new Date(r.updated_at).getTime(), view: letterView(r) })),
    ].sort((x, y) => y.at - x.at);
    const total =
      Number((await dead(a).count({ n: '*' }).first())?.n ?? 0) +
      Number((await deadLetters(a.trx, tenantOf(a)).count({ n: '*' }).first())?.n ?? 0);
    return { body: { messages: merged.slice(offset, offset + limit).map((m) => m.view), total } };
  },
  retryDlqMessage: async (a) => {
    if (isLetter(param(a, 'msg_id'))) {
      const letter = await letterOf(a);
      return { body: { retried: true, message: { ...letterView(letter), retry: await retryDeadLetter(a.trx, tenantOf(a), letter) } } };
    }
    const row = await deadOne(a);
    // Back to pending with one attempt left, then tried now; a further failure dead-letters it again.
    await a.trx(DELIVERIES).where({ id: row.id }).update({ status: 'pending', attempts: 7, updated_at: a.trx.fn.now() });
    const after = await attemptDelivery(a.trx, row.id);
    return { body: { retried: true, message: deliveryView(after) } };
  },
  discardDlqMessage: async (a) => {
    if (isLetter(param(a, 'msg_id'))) {
      const letter = await letterOf(a);
      await a.trx(T.records).where({ id: letter.id }).delete();
      return { body: { discarded: true } };
    }
    const row = await deadOne(a);
    await a.trx(DELIVERIES).where({ id: row.id }).delete();
    return { body: { discarded: true } };
  },
} satisfies Record<string, ActionHandler>;
