/**
 * Paths of docs/api/platform-api.txt outside /v1/: `/` (landing page), `/docs` (HTML docs), `/docs/openapi.json`,
 * `/ready`, `/events/types` and `/webhooks/stripe`; `/events/stream` (server-sent events) is mounted with the
 * WebSocket by realtime/mount-realtime.ts.
 * `/health` is mounted by runtime/serve/start-service.ts for every service before this hook runs.
 * Mounted through the service wiring's `extra(app, runtime)`; errors render in the platform envelope.
 */
import type { Application as Express } from 'express';
import type { Runtime } from '../runtime-api.ts';
import { badRequest } from '../http/api-error.ts';
import { sendJson } from '../http/respond.ts';
import { EVENT_TYPES } from './webhooks/event-types.ts';
import { verifyStripeSignature } from './stripe-signature.ts';
import { answerReady } from '../observability/ready-answer.ts';

const VERSION = '1.0.0';

export function mountPlatformRootRoutes(app: Express, rt: Runtime, openapi: () => unknown): void {
  app.get('/', (_req, res) => {
    res
      .type('html')
      .send(
        '<!doctype html><html><head><title>Platform API</title></head><body><h1>Platform API</h1>' +
          '<p>Backend-as-a-service. See <a href="/docs">the API documentation</a>.</p></body></html>',
      );
  });
  app.get('/docs', (_req, res) => {
    // Same local Swagger UI assets as /api/docs/ (runtime/serve/docs.ts), pointed at /docs/openapi.json.
    res.type('html').send(`<!doctype html><html><head><title>Platform API docs</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#swagger-ui', deepLinking: true });</script></body></html>`);
  });
  app.get('/docs/openapi.json', (_req, res) => {
    res.json(openapi());
  });
  // Database, pending migrations and workers (runtime/observability/readiness.ts); 503 while not ready.
  app.get('/ready', (req, res) => answerReady(req, res, rt.db, 'platform', rt.service, VERSION));
  app.get('/events/types', rt.authenticate, (_req, res) => {
    sendJson(
      res,
      200,
      EVENT_TYPES.map((type) => ({ type })),
    );
  });
  app.post('/webhooks/stripe', (req, res) => {
    const secret = process.env.STRIPE_WEBHOOK_SECRET;
    if (!secret) throw badRequest('Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET).', 'stripe_not_configured');
    // express.json already parsed the body; Stripe signs the raw bytes, and JSON.stringify of the
    // parsed body matches them only for compact payloads — a raw-body parser on this path is the fix.
    const raw = JSON.stringify(req.body ?? {});
    verifyStripeSignature(raw, req.get('Stripe-Signature') ?? '', secret);
    sendJson(res, 200, { received: true, type: (req.body as { type?: string })?.type ?? null });
  });
}
