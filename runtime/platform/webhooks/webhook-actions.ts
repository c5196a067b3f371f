/**
 * Webhooks (docs/api/platform-api.txt, "Webhooks"): create stores the signing secret sealed and shows it once; create
 * and update refuse a URL the egress policy refuses (400 naming url; runtime/effects/egress); test and
 * replay send one signed delivery now and answer
 * the receiver's status code; rotate-secret shows the new secret once; the deliveries log lists
 * pf_webhook_deliveries and retry re-sends one of them. Delivery itself: runtime/platform/webhooks.
 */
import { randomBytes } from 'node:crypto';
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { notFound, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { DELIVERIES, envelope, WEBHOOKS } from '../webhooks/emit-event.ts';
import { attemptDelivery } from '../webhooks/deliver.ts';
import { seal } from '../../secrets/seal.ts';
import { refusedUrlFields } from '../../effects/egress/url-policy.ts';
import { webhooksWebhookResource } from '../../../generated/platform/server/webhooks.ts';
import { checkedWrites } from '../records/checked-writes.ts';
import { actorOf, bodyOf, iso, param, parseJson, tenantOf } from '../http/action-context.ts';

/** A signing secret, shown to the caller once and stored sealed (runtime/secrets/seal.ts). */
const newSigningSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

async function hookOf(a: ActionContext) {
  const row = await a
    .trx(WEBHOOKS)
    .where({ company_id: tenantOf(a), id: param(a, 'webhook_id') })
    .first();
  if (!row) throw notFound('Webhook not found.');
  return row;
}

export function deliveryView(d: Record<string, any>) {
  return {
    id: d.id,
    webhook_id: d.webhook_id,
    event: d.event,
    status: d.status,
    attempts: Number(d.attempts),
    response_code: d.response_code ?? null,
    error: d.error ?? null,
    duration_ms: d.duration_ms ?? null,
    payload: d.payload,
    next_attempt_at: iso(d.next_attempt_at),
    delivered_at: iso(d.delivered_at),
    created_at: iso(d.created_at),
  };
}

/** Records a delivery of `event` to `hook` and sends it now (inside the request). */
async function sendNow(a: ActionContext, hook: Record<string, any>, event: string, data: unknown) {
  const id = newId('whd');
  await a.trx(DELIVERIES).insert({
    id,
    company_id: tenantOf(a),
    webhook_id: hook.id,
    event,
    payload: JSON.stringify(envelope(event, tenantOf(a), data)),
    status: 'pending',
    attempts: 0,
    next_attempt_at: a.trx.fn.now(),
    created_at: a.trx.fn.now(),
    updated_at: a.trx.fn.now(),
  });
  const d = await attemptDelivery(a.trx, id);
  return {
    body: {
      delivery_id: id,
      status_code: d.response_code ?? null,
      success: d.status === 'delivered',
      error: d.error ?? null,
      duration_ms: d.duration_ms,
    },
  };
}

export const webhookActions = {
  create: async (a) => {
    const b = bodyOf(a);
    if (typeof b.url !== 'string' || !URL.canParse(b.url)) throw validation({ url: ['must be an absolute URL'] });
    const refused = refusedUrlFields({ url: b.url });
    if (refused.url) throw validation(refused);
    const id = newId('wh');
    const secret = newSigningSecret();
    await a.trx(T.webhooks).insert({
      id,
      company_id: tenantOf(a),
      url: b.url,
      events: JSON.stringify(b.events ?? ['*']),
      object_types: JSON.stringify(b.object_types ?? []),
      status: JSON.stringify(b.status ?? 'active'),
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    await a.trx(T.records).insert({
      id: newId('whs'),
      company_id: tenantOf(a),
      kind: 'webhook_secret',
      parent_id: id,
      data: JSON.stringify({ secret: seal(secret) }),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    const row = await a.trx(T.webhooks).where({ id }).first();
    return {
      status: 201,
      body: {
        id,
        url: row.url,
        events: parseJson(row.events),
        object_types: parseJson(row.object_types),
        status: parseJson(row.status),
        secret,
        created_by: row.created_by ?? null,
        created_at: iso(row.created_at),
        updated_at: iso(row.updated_at),
      },
    };
  },
  testWebhook: async (a) =>
    sendNow(a, await hookOf(a), 'webhook.test', { message: 'Test event from the Platform API.', webhook_id: param(a, 'webhook_id') }),
  replayWebhook: async (a) => {
    const hook = await hookOf(a);
    const b = bodyOf(a);
    if (typeof b.event !== 'string' || !b.event) throw validation({ event: ['name the event to replay, e.g. object.created'] });
    return sendNow(a, hook, b.event, b.payload ?? {});
  },
  rotateWebhookSecret: async (a) => {
    const hook = await hookOf(a);
    const secret = newSigningSecret();
    await a
      .trx(T.records)
      .where({ company_id: tenantOf(a), kind: 'webhook_secret', parent_id: hook.id })
      .update({ data: JSON.stringify({ secret: seal(secret) }), updated_at: a.trx.fn.now() });
    return { body: { id: hook.id, secret }, secret: true };
  },
  listWebhookDeliveries: async (a) => {
    const q = a.query;
    const limit = Math.min(Math.max(Number(q.limit) || 50, 1), 100);
    const offset = Math.max(Number(q.offset) || 0, 0);
    const base = () => {
      const b = a.trx(DELIVERIES).where({ company_id: tenantOf(a) });
      if (q.webhook_id) b.where({ webhook_id: String(q.webhook_id) });
      if (q.status) b.where({ status: String(q.status) });
      return b;
    };
    const rows = await base().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset);
    const total = Number((await base().count({ n: '*' }).first())?.n ?? 0);
    return { body: { deliveries: rows.map(deliveryView), total } };
  },
  retryWebhookDelivery: async (a) => {
    const d = await a
      .trx(DELIVERIES)
      .where({ company_id: tenantOf(a), id: param(a, 'delivery_id') })
      .first('id');
    if (!d) throw notFound('Delivery not found.');
    const after = await attemptDelivery(a.trx, d.id);
    return { body: { retried: true, delivery: deliveryView(after) } };
  },
  /** PATCH: the generic write, refusing a URL the egress policy refuses (400 naming url). */
  update: checkedWrites(webhooksWebhookResource, (_a, values) => {
    const refused = refusedUrlFields({ url: values.url });
    if (refused.url) throw validation(refused);
    return values;
  }).update,
} satisfies Record<string, ActionHandler>;
