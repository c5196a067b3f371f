/**
 * The dead-letter queue (docs/api/platform-api.txt, "Operations"): the webhook deliveries that failed for good (status
 * `failed` after MAX_ATTEMPTS, runtime/platform/webhooks/deliver.ts) — list, retry (one more attempt
 * now) or discard.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { notFound } from '../../http/api-error.ts';
import { DELIVERIES } from '../webhooks/emit-event.ts';
import { attemptDelivery } from '../webhooks/deliver.ts';
import { param, tenantOf } from '../http/action-context.ts';
import { deliveryView } from '../webhooks/webhook-actions.ts';

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
    const rows = await dead(a).orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset);
    const total = Number((await dead(a).count({ n: '*' }).first())?.n ?? 0);
    return { body: { messages: rows.map((r) => ({ ...deliveryView(r), source: 'webhook_delivery' })), total } };
  },
  retryDlqMessage: async (a) => {
    const row = await deadOne(a);
    // Back to pending with one attempt left, then tried now; a further failure dead-letters it again.
    await a.trx(DELIVERIES).where({ id: row.id }).update({ status: 'pending', attempts: 7, updated_at: a.trx.fn.now() });
    const after = await attemptDelivery(a.trx, row.id);
    return { body: { retried: true, message: deliveryView(after) } };
  },
  discardDlqMessage: async (a) => {
    const row = await deadOne(a);
    await a.trx(DELIVERIES).where({ id: row.id }).delete();
    return { body: { discarded: true } };
  },
} satisfies Record<string, ActionHandler>;
