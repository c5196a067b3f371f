/**
 * POST /v1/webhooks: stores the endpoint and its signing secret, which this response shows once.
 * The column holds the secret sealed (runtime/secrets/seal.ts), never the plaintext.
 */
import type { Knex } from 'knex';
import { validation } from '../../http/api-error.ts';
import { R, T } from '../tables.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { newId, newToken } from '../../security/random-ids.ts';
import { isoSeconds, now } from '../clock.ts';
import { seal } from '../../secrets/seal.ts';
import { refusedUrlFields } from '../../effects/egress/url-policy.ts';

const EVENT_PATTERN = /^(\*|(reservation|account)\.(\*|[a-z_]+))$/;

export async function registerWebhook(trx: Knex, input: { url: string; events?: unknown; description?: string | null }) {
  const events = input.events ?? ['reservation.*', 'account.*'];
  if (!Array.isArray(events) || events.length === 0 || !events.every((e) => typeof e === 'string' && EVENT_PATTERN.test(e))) {
    throw validation({ events: ['Give a non-empty list of event patterns such as "reservation.*" or "account.created".'] });
  }
  const url = new URL(input.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw validation({ url: ['Use an http(s) URL.'] });
  // The egress policy: metadata and link-local addresses always, private ones under LOOP_EGRESS_PRIVATE=deny.
  const refused = refusedUrlFields({ url: input.url });
  if (refused.url) throw validation(refused);
  const at = now();
  const secret = newToken('whsec_', 24);
  const id = newId('wh');
  const description = input.description ?? null;
  const columns = codecOf(R.webhooks).toColumns({ url: input.url, events, secret: seal(secret), description, active: true });
  await trx(T.webhooks).insert({ ...columns, id, created_at: at, updated_at: at });
  return { id, url: input.url, events, description, secret, created_at: isoSeconds(at) };
}
