/** webhooks.create: POST /v1/webhooks. */
import type { RoomloopHandlers } from '../../../generated/roomloop/server/handlers.ts';
import { registerWebhook } from '../webhooks/register-webhook.ts';

export const webhooksHandlers = {
  'webhooks.create': async ({ trx, body }) => ({ status: 201, body: await registerWebhook(trx, body) }),
} satisfies Partial<RoomloopHandlers>;
