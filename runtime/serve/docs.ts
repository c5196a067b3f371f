/**
 * API docs served from local packages (no CDN): Swagger UI at /api/docs/, ReDoc at /api/redoc/,
 * the OpenAPI document at /api/schema/ (JSON; YAML with ?format=yaml).
 */
import express, { type Application as Express } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

const require = createRequire(import.meta.url);

export function mountDocs(app: Express, openapi: unknown, title: string): void {
  const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const redocBundle = join(dirname(require.resolve('redoc/package.json')), 'bundles', 'redoc.standalone.js');
  const json = JSON.stringify(openapi);
  const yaml = stringify(openapi);

  app.get('/api/schema/', (req, res) => {
    if (req.query.format === 'yaml') res.type('application/yaml').send(yaml);
    else res.type('application/json').send(json);
  });
  app.get('/api/docs/', (_req, res) => {
    res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} — API docs</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`);
  });
  app.get('/api/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(`window.ui = SwaggerUIBundle({ url: '/api/schema/', dom_id: '#swagger-ui', deepLinking: true });`);
  });
  app.use('/api/docs/assets', express.static(swaggerDir, { index: false, maxAge: '1d' }));
  app.get('/api/redoc/', (_req, res) => {
    res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} — ReDoc</title></head>
<body><redoc spec-url="/api/schema/"></redoc><script src="/api/redoc/redoc.standalone.js"></script></body></html>`);
  });
  app.get('/api/redoc/redoc.standalone.js', (_req, res) => res.sendFile(redocBundle));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
