/**
 * The browsable entry points Django REST framework gives a router: `GET <base>` lists every module
 * with its collections as absolute URLs (plus where its docs and schema are), and `/` redirects to the
 * docs. Both are open, like DRF's API root; they reveal nothing the published OpenAPI document does not.
 */
import type { Application as Express, Request } from 'express';
import { docModules } from './schema-split.ts';

export function mountApiRoot(app: Express, openapi: unknown, basePath: string): void {
  const doc = openapi as { info?: { title?: string; version?: string }; paths?: Record<string, unknown> };
  const base = `/${basePath.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
  const modules = docModules(openapi);
  const origin = (req: Request) => `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const join = (path: string) => base + path.replace(/^\//, '');

  // A service that declares its own GET / or GET <base> keeps it.
  const declared = (p: string) => Object.hasOwn(doc.paths ?? {}, p) && !!(doc.paths![p] as { get?: unknown }).get;
  if (base !== '/' && !declared('/') && !declared('')) {
    app.get([base, base.replace(/\/$/, '')], (req, res) => {
      const o = origin(req);
      res.json({
        service: doc.info?.title,
        version: doc.info?.version,
        docs: `${o}/api/docs/`,
        redoc: `${o}/api/redoc/`,
        schema: `${o}/api/schema/`,
        modules: Object.fromEntries(
          modules.map((m) => [
            m.name,
            {
              docs: `${o}/api/docs/?module=${m.name}`,
              schema: `${o}/api/schema/?module=${m.name}`,
              operations: m.operations,
              resources: Object.fromEntries(m.collections.map((p) => [p.replace(/^\/|\/$/g, ''), `${o}${join(p)}`])),
            },
          ]),
        ),
      });
    });
  }
  if (base !== '/') app.get('/', (_req, res) => res.redirect(302, '/api/docs/'));
}
