/** webhooks.create: POST /v1/webhooks. */
import type { ActionHandler } from '../../runtime-api.ts';
import { registerWebhook } from '../webhooks/register-webhook.ts';

export const create: ActionHandler = async ({ trx, body }) => ({
  status: 201,
  body: await registerWebhook(trx, body as { url: string; events?: unknown; description?: string | null }),
});
