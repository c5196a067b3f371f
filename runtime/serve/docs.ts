/**
 * API docs served from local packages (no CDN): Swagger UI at /api/docs/, ReDoc at /api/redoc/,
 * the OpenAPI document at /api/schema/ (JSON; YAML with ?format=yaml; one module with ?module=name).
 * A large document is shown one module at a time (a picker on both pages), since browsers freeze for
 * tens of seconds rendering LOOP's whole document. Schema and bundles go out compressed (br/gzip,
 * compressed once and kept) with a content ETag, so a revisit costs a 304.
 */
import express, { type Application as Express, type Request, type Response } from 'express';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { stringify } from 'yaml';
import { docModules, moduleDocument } from './schema-split.ts';

const require = createRequire(import.meta.url);
const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Above this many operations a docs page opens one module, not the whole document. */
const WHOLE_DOCUMENT_MAX_OPERATIONS = 150;

interface Variant {
  readonly identity: Buffer;
  readonly br: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
}

/** One response body in every encoding, made on first use and kept (the documents and bundles never change while serving). */
function cached(load: () => Promise<string | Buffer>): () => Promise<Variant> {
  let made: Promise<Variant> | undefined;
  return () =>
    (made ??= (async () => {
      const identity = Buffer.from(await load());
      // Brotli quality 5 compresses a 3 MB document in well under a second, close to gzip -9's size and below it.
      const [br, gz] = await Promise.all([
        brotli(identity, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }),
        gzipAsync(identity, { level: 6 }),
      ]);
      return { identity, br, gzip: gz, etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"` };
    })());
}

async function send(req: Request, res: Response, type: string, variant: () => Promise<Variant>, cacheControl: string): Promise<void> {
  const v = await variant();
  res.type(type);
  res.set({ ETag: v.etag, 'Cache-Control': cacheControl, Vary: 'Accept-Encoding' });
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  // Brotli whenever it is accepted at all: browsers list it after gzip ("gzip, deflate, br") with equal weight.
  const encoding = req.acceptsEncodings('br') === 'br' ? 'br' : req.acceptsEncodings('gzip') === 'gzip' ? 'gzip' : 'identity';
  const body = encoding === 'br' ? v.br : encoding === 'gzip' ? v.gzip : v.identity;
  if (encoding === 'br' || encoding === 'gzip') res.set('Content-Encoding', encoding);
  res.send(body);
}

export function mountDocs(app: Express, openapi: unknown, title: string): void {
  const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const redocBundle = join(dirname(require.resolve('redoc/package.json')), 'bundles', 'redoc.standalone.js');
  const modules = docModules(openapi);
  const total = modules.reduce((n, m) => n + m.operations, 0);
  const names = new Set(modules.map((m) => m.name));
  // The page opens the whole document when it is small, else one module (core when there is one).
  const opening = total <= WHOLE_DOCUMENT_MAX_OPERATIONS || !modules.length ? '' : names.has('core') ? 'core' : modules[0]!.name;
  const schemaUrl = (m: string) => (m ? `/api/schema/?module=${encodeURIComponent(m)}` : '/api/schema/');
  const choices = [
    ...modules.map((m) => ({ name: m.name, url: schemaUrl(m.name), operations: m.operations })),
    { name: 'all', url: schemaUrl(''), operations: total },
  ];

  const documents = new Map<string, { json: () => Promise<Variant>; yaml: () => Promise<Variant> }>();
  const documentOf = (module: string) => {
    if (!documents.has(module)) {
      const doc = module ? moduleDocument(openapi, module) : openapi;
      documents.set(module, { json: cached(async () => JSON.stringify(doc)), yaml: cached(async () => stringify(doc)) });
    }
    return documents.get(module)!;
  };
  const revalidate = 'public, max-age=0, must-revalidate';
  const assets = 'public, max-age=86400';

  app.get('/api/schema/', async (req, res) => {
    const module = typeof req.query.module === 'string' ? req.query.module : '';
    if (module && !names.has(module)) {
      res.status(404).json({ detail: `No module "${module}". Modules: ${[...names].join(', ')}.` });
      return;
    }
    const doc = documentOf(module);
    if (req.query.format === 'yaml') await send(req, res, 'application/yaml', doc.yaml, revalidate);
    else await send(req, res, 'application/json', doc.json, revalidate);
  });

  const config = JSON.stringify({ choices, opening });
  const swaggerInit = cached(
    async () => `(function () {
  var c = ${config};
  var wanted = new URLSearchParams(location.search).get('module');
  var pick = c.choices.filter(function (x) { return x.name === wanted; })[0] || c.choices.filter(function (x) { return x.name === (c.opening || 'all'); })[0];
  window.ui = SwaggerUIBundle({
    urls: c.choices.map(function (x) { return { name: x.name, url: x.url }; }),
    'urls.primaryName': pick.name,
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout'
  });
})();
`,
  );
  app.get('/api/docs/', (_req, res) => {
    res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} — API docs</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head><body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/assets/swagger-ui-standalone-preset.js"></script>
<script src="/api/docs/init.js"></script></body></html>`);
  });
  app.get('/api/docs/init.js', (req, res) => send(req, res, 'application/javascript', swaggerInit, revalidate));
  const bundles = new Map(
    ['swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'swagger-ui.css'].map((f) => [
      f,
      cached(() => readFile(join(swaggerDir, f))),
    ]),
  );
  app.get('/api/docs/assets/:file', async (req, res, next) => {
    const bundle = bundles.get(req.params.file);
    if (!bundle) return next();
    await send(req, res, req.params.file.endsWith('.css') ? 'text/css' : 'application/javascript', bundle, assets);
  });
  app.use('/api/docs/assets', express.static(swaggerDir, { index: false, maxAge: '1d' }));

  const redocInit = cached(
    async () => `(function () {
  var c = ${config};
  var wanted = new URLSearchParams(location.search).get('module');
  var pick = c.choices.filter(function (x) { return x.name === wanted; })[0] || c.choices.filter(function (x) { return x.name === (c.opening || 'all'); })[0];
  var select = document.getElementById('module');
  c.choices.forEach(function (x) {
    var o = document.createElement('option');
    o.value = x.name;
    o.textContent = (x.name === 'all' ? 'all modules' : x.name) + ' (' + x.operations + ')';
    o.selected = x === pick;
    select.appendChild(o);
  });
  select.addEventListener('change', function () { location.search = '?module=' + encodeURIComponent(select.value); });
  Redoc.init(pick.url, { lazyRendering: true }, document.getElementById('redoc'));
})();
`,
  );
  app.get('/api/redoc/', (_req, res) => {
    res.type('html').send(`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)} — ReDoc</title>
<style>body{margin:0}#picker{font:14px sans-serif;padding:8px 16px;border-bottom:1px solid #ddd}</style></head>
<body><div id="picker"><label>Module <select id="module"></select></label></div><div id="redoc"></div>
<script src="/api/redoc/redoc.standalone.js"></script><script src="/api/redoc/init.js"></script></body></html>`);
  });
  app.get('/api/redoc/init.js', (req, res) => send(req, res, 'application/javascript', redocInit, revalidate));
  const redoc = cached(() => readFile(redocBundle));
  app.get('/api/redoc/redoc.standalone.js', (req, res) => send(req, res, 'application/javascript', redoc, assets));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
