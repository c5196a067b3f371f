/**
 * The operations of a generated OpenAPI document (generated/<service>/openapi.json) in the shape the
 * fuzzer needs: method, path template, parameters and request body with `$ref`s to components
 * resolved one level, and the documented responses by status.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Schema = Record<string, unknown>;

export interface Doc {
  readonly service: string;
  readonly raw: Record<string, unknown>;
  /** The base path of the first server, e.g. `/api/v1/`. */
  readonly base: string;
}

export interface Param {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  readonly schema: Schema;
}

export interface Operation {
  readonly service: string;
  /** `METHOD /path/{id}/`: stable, unique, used in reports. */
  readonly key: string;
  readonly operationId: string;
  readonly method: string;
  /** Path template relative to the base, with a leading slash (`/attendance/sessions/{id}/`). */
  readonly path: string;
  readonly params: readonly Param[];
  readonly body?: { readonly required: boolean; readonly contentType: string; readonly schema: Schema };
  /** Documented statuses (`200`, `4XX`, `default`) → media type → JSON pointer of the schema in the document (or null). */
  readonly responses: Readonly<Record<string, Readonly<Record<string, string | null>>>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const ROOT = join(import.meta.dirname, '..', '..', '..');

export function loadDoc(service: string): Doc {
  const raw = JSON.parse(readFileSync(join(ROOT, 'generated', service, 'openapi.json'), 'utf8')) as Record<string, unknown>;
  const servers = raw.servers as { url: string }[] | undefined;
  return { service, raw, base: servers?.[0]?.url ?? '/' };
}

/** Follows a local `$ref` (`#/components/…`) to its target; anything else comes back as it is. */
export function deref<T = Schema>(doc: Doc, node: unknown, seen = 0): T {
  const ref = (node as { $ref?: unknown } | null)?.$ref;
  if (typeof ref !== 'string' || seen > 20) return node as T;
  return deref<T>(doc, pointer(doc.raw, ref), seen + 1);
}

export function pointer(root: unknown, ref: string): unknown {
  const parts = ref
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur: unknown = root;
  for (const p of parts) cur = (cur as Record<string, unknown> | undefined)?.[p];
  return cur;
}

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export function operations(doc: Doc): Operation[] {
  const out: Operation[] = [];
  const paths = doc.raw.paths as Record<string, Record<string, unknown>>;
  for (const path of Object.keys(paths).sort()) {
    const item = paths[path]!;
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const params = new Map<string, Param>();
      for (const p of [...shared, ...((op.parameters as unknown[] | undefined) ?? [])]) {
        const d = deref<Param & { schema?: Schema }>(doc, p);
        params.set(`${d.in}:${d.name}`, { name: d.name, in: d.in, required: Boolean(d.required), schema: d.schema ?? {} });
      }
      let body: Operation['body'];
      const rb = deref<{ required?: boolean; content?: Record<string, { schema?: Schema }> }>(doc, op.requestBody);
      if (rb?.content) {
        const [contentType, media] = Object.entries(rb.content)[0]!;
        body = { required: Boolean(rb.required), contentType, schema: media.schema ?? {} };
      }
      const responses: Record<string, Record<string, string | null>> = {};
      for (const [status, r0] of Object.entries((op.responses as Record<string, unknown>) ?? {})) {
        const ref = (r0 as { $ref?: string }).$ref;
        const base = ref ?? `#/paths/${esc(path)}/${method}/responses/${esc(status)}`;
        const r = deref<{ content?: Record<string, { schema?: unknown }> }>(doc, r0);
        responses[status] = {};
        for (const [media, m] of Object.entries(r.content ?? {})) {
          responses[status]![media] = m.schema === undefined ? null : `${base}/content/${esc(media)}/schema`;
        }
      }
      out.push({
        service: doc.service,
        key: `${method.toUpperCase()} ${path}`,
        operationId: String(op.operationId ?? `${method}${path}`),
        method: method.toUpperCase(),
        path,
        params: [...params.values()],
        body,
        responses,
      });
    }
  }
  return out;
}

/** The documented entry for a status: exact, then `4XX`-style ranges, then `default`. */
export function documented(op: Operation, status: number): Readonly<Record<string, string | null>> | undefined {
  return op.responses[String(status)] ?? op.responses[`${String(status)[0]}XX`] ?? op.responses.default;
}
