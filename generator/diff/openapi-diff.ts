/**
 * Two OpenAPI documents of one service → classified changes per operation (`GET /booking/services/`):
 * removed operations and paths, parameters, request bodies, responses and their status codes,
 * security requirements and `x-permission`, plus service-level servers and security schemes.
 */
import { change, type Change } from './change.ts';
import { SchemaDiffer, type SchemaFinding } from './schema-diff.ts';
import {
  HTTP_METHODS,
  resolve,
  type MediaMap,
  type OpenApiDocument,
  type Operation,
  type Parameter,
  type RequestBody,
  type Response,
  type SecurityRequirement,
} from './openapi-types.ts';

export function diffOpenApi(service: string, base: OpenApiDocument, head: OpenApiDocument): Change[] {
  const out: Change[] = [];
  const schemas = new SchemaDiffer(base, head);
  const unchanged = unchangedOperations(base, head);
  const add = (subject: string, rule: string, severity: Change['severity'], message: string, addition = false) =>
    out.push(change({ service, area: 'api', subject, rule, severity, message, ...(addition ? { addition } : {}) }));

  diffService(base, head, (rule, severity, message) => add('service', rule, severity, message));
  const pathsA = base.paths ?? {};
  const pathsB = head.paths ?? {};
  for (const path of Object.keys(pathsA)) {
    const opsA = operations(pathsA[path]!);
    const opsB = pathsB[path] ? operations(pathsB[path]!) : new Map<string, Operation>();
    if (!pathsB[path]) {
      for (const m of opsA.keys()) add(`${m} ${path}`, 'api-path-removed', 'breaking', 'path removed (every method of it answers 404 now)');
      continue;
    }
    for (const [m, op] of opsA) {
      const now = opsB.get(m);
      if (!now) add(`${m} ${path}`, 'api-removed', 'breaking', 'operation removed');
      else if (!unchanged(op, now)) diffOperation(`${m} ${path}`, op, now, base, head, schemas, add);
    }
  }
  for (const path of Object.keys(pathsB)) {
    const opsA = pathsA[path] ? operations(pathsA[path]!) : new Map<string, Operation>();
    for (const m of operations(pathsB[path]!).keys()) if (!opsA.has(m)) add(`${m} ${path}`, 'api-added', 'safe', 'new operation', true);
  }
  return out;
}

/**
 * Most operations of a large document are untouched: an operation whose own JSON is equal and whose
 * references reach no changed component needs no walk (the whole-catalogue diff stays fast).
 */
function unchangedOperations(base: OpenApiDocument, head: OpenApiDocument): (a: Operation, b: Operation) => boolean {
  if (JSON.stringify(base.security ?? null) !== JSON.stringify(head.security ?? null)) return () => false;
  const texts = (doc: OpenApiDocument) => {
    const out = new Map<string, string>();
    for (const [section, entries] of Object.entries(doc.components ?? {})) {
      for (const [name, value] of Object.entries(entries ?? {})) out.set(`#/components/${section}/${name}`, JSON.stringify(value));
    }
    return out;
  };
  const ta = texts(base);
  const tb = texts(head);
  const refsOf = (text: string) => [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
  const dirty = new Set([...new Set([...ta.keys(), ...tb.keys()])].filter((ref) => ta.get(ref) !== tb.get(ref)));
  // A component that refers to a changed one has changed too.
  const refs = new Map([...tb].map(([ref, text]) => [ref, refsOf(text)]));
  for (let grew = true; grew;) {
    grew = false;
    for (const [ref, targets] of refs) {
      if (!dirty.has(ref) && targets.some((t) => dirty.has(t))) {
        dirty.add(ref);
        grew = true;
      }
    }
  }
  return (a, b) => {
    const text = JSON.stringify(a);
    return text === JSON.stringify(b) && !refsOf(text).some((r) => dirty.has(r));
  };
}

type Add = (subject: string, rule: string, severity: Change['severity'], message: string, addition?: boolean) => void;

function operations(item: Readonly<Record<string, unknown>>): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const m of HTTP_METHODS) if (item[m] && typeof item[m] === 'object') out.set(m.toUpperCase(), item[m] as Operation);
  return out;
}

function diffService(base: OpenApiDocument, head: OpenApiDocument, add: (rule: string, s: Change['severity'], m: string) => void): void {
  const urls = (d: OpenApiDocument) => (d.servers ?? []).map((s) => s.url).join(', ');
  if (urls(base) !== urls(head))
    add('server-url-changed', 'breaking', `base URL changed from ${urls(base) || 'none'} to ${urls(head) || 'none'}`);
  const sa = (base.components?.securitySchemes ?? {}) as Record<string, unknown>;
  const sb = (head.components?.securitySchemes ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(sa)) {
    if (!(name in sb)) add('security-scheme-removed', 'breaking', `security scheme \`${name}\` removed`);
    else if (JSON.stringify(strip(sa[name])) !== JSON.stringify(strip(sb[name]))) {
      add('security-scheme-changed', 'breaking', `security scheme \`${name}\` changed how credentials are sent`);
    }
  }
  for (const name of Object.keys(sb)) if (!(name in sa)) add('security-scheme-added', 'safe', `security scheme \`${name}\` added`);
}

/** A scheme without its prose: only how credentials travel matters to a client. */
function strip(scheme: unknown): unknown {
  if (!scheme || typeof scheme !== 'object') return scheme;
  const { description: _d, ...rest } = scheme as Record<string, unknown>;
  return rest;
}

function diffOperation(
  subject: string,
  a: Operation,
  b: Operation,
  base: OpenApiDocument,
  head: OpenApiDocument,
  schemas: SchemaDiffer,
  add: Add,
): void {
  if (a.operationId && b.operationId && a.operationId !== b.operationId) {
    add(
      subject,
      'api-operation-id-changed',
      'potentially-breaking',
      `operationId changed from \`${a.operationId}\` to \`${b.operationId}\` (clients generated by other tools rename the method)`,
    );
  }
  diffSecurity(subject, a.security ?? base.security ?? [], b.security ?? head.security ?? [], add);
  const pa = a['x-permission'];
  const pb = b['x-permission'];
  if (pa !== pb) {
    if (!pa) add(subject, 'api-permission-added', 'breaking', `now needs permission \`${pb}\``);
    else if (!pb) add(subject, 'api-permission-removed', 'potentially-breaking', `no longer needs permission \`${pa}\``);
    else
      add(
        subject,
        'api-permission-changed',
        'breaking',
        `permission changed from \`${pa}\` to \`${pb}\` (callers holding only the old one get 403)`,
      );
  }
  diffParameters(subject, a, b, base, head, schemas, add);
  diffRequestBody(subject, resolve(base, a.requestBody), resolve(head, b.requestBody), schemas, add);
  diffResponses(subject, a.responses ?? {}, b.responses ?? {}, base, head, schemas, add);
}

function diffSecurity(subject: string, a: readonly SecurityRequirement[], b: readonly SecurityRequirement[], add: Add): void {
  const names = (reqs: readonly SecurityRequirement[]) => reqs.map((r) => Object.keys(r).sort().join('+') || 'anonymous').sort();
  const na = names(a);
  const nb = names(b);
  if (na.join(',') === nb.join(',')) return;
  const show = (n: string[]) => (n.length === 0 ? 'none (public)' : n.join(' or '));
  // Public before (no requirement, or an empty alternative) and not now: anonymous callers are refused.
  const publicA = na.length === 0 || na.includes('anonymous');
  const publicB = nb.length === 0 || nb.includes('anonymous');
  const lost = na.filter((n) => !nb.includes(n));
  if ((publicA && !publicB) || (!publicB && lost.length > 0)) {
    add(subject, 'api-security-changed', 'breaking', `authentication changed from ${show(na)} to ${show(nb)}`);
  } else {
    add(
      subject,
      publicB && !publicA ? 'api-security-removed' : 'api-security-added',
      'potentially-breaking',
      `authentication changed from ${show(na)} to ${show(nb)}`,
    );
  }
}

function paramKey(p: Parameter): string {
  return `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
}

function diffParameters(
  subject: string,
  a: Operation,
  b: Operation,
  base: OpenApiDocument,
  head: OpenApiDocument,
  schemas: SchemaDiffer,
  add: Add,
): void {
  const pa = new Map(
    (a.parameters ?? [])
      .map((p) => resolve(base, p)!)
      .filter(Boolean)
      .map((p) => [paramKey(p), p]),
  );
  const pb = new Map(
    (b.parameters ?? [])
      .map((p) => resolve(head, p)!)
      .filter(Boolean)
      .map((p) => [paramKey(p), p]),
  );
  const label = (p: Parameter) => `${p.in} parameter \`${p.name}\``;
  for (const [key, p] of pa) {
    const q = pb.get(key);
    if (!q) {
      add(subject, 'request-parameter-removed', 'potentially-breaking', `${label(p)} removed (callers sending it are ignored or refused)`);
      continue;
    }
    if (!p.required && q.required) add(subject, 'request-parameter-became-required', 'breaking', `${label(q)} became required`);
    if (p.required && !q.required) add(subject, 'request-parameter-became-optional', 'safe', `${label(q)} became optional`);
    report(subject, label(q), schemas.compare(p.schema, q.schema, 'request', 'parameter'), add);
  }
  for (const [key, q] of pb) {
    if (pa.has(key)) continue;
    if (q.required) add(subject, 'new-required-request-parameter', 'breaking', `new required ${label(q)}`);
    else add(subject, 'new-optional-request-parameter', 'safe', `new optional ${label(q)}`, true);
  }
}

function diffRequestBody(subject: string, a: RequestBody | undefined, b: RequestBody | undefined, schemas: SchemaDiffer, add: Add): void {
  if (!a && !b) return;
  if (!a) {
    if (b!.required) add(subject, 'request-body-added-required', 'breaking', 'now requires a request body');
    else add(subject, 'request-body-added', 'safe', 'accepts an optional request body', true);
    return;
  }
  if (!b) {
    add(subject, 'request-body-removed', 'potentially-breaking', 'no longer takes a request body');
    return;
  }
  if (!a.required && b.required) add(subject, 'request-body-became-required', 'breaking', 'request body became required');
  diffContent(subject, 'request body', a.content, b.content, 'request', schemas, add);
}

function diffContent(
  subject: string,
  where: string,
  a: MediaMap | undefined,
  b: MediaMap | undefined,
  dir: 'request' | 'response',
  schemas: SchemaDiffer,
  add: Add,
): void {
  const ca = a ?? {};
  const cb = b ?? {};
  for (const media of Object.keys(ca)) {
    if (!(media in cb)) {
      add(subject, `${dir}-media-type-removed`, 'breaking', `${where} is no longer ${media}`);
      continue;
    }
    report(
      subject,
      media === 'application/json' || Object.keys(ca).length === 1 ? where : `${where} (${media})`,
      schemas.compare(ca[media]!.schema, cb[media]!.schema, dir),
      add,
    );
  }
  for (const media of Object.keys(cb))
    if (!(media in ca)) add(subject, `${dir}-media-type-added`, 'safe', `${where} may also be ${media}`, dir === 'request');
}

function diffResponses(
  subject: string,
  a: Readonly<Record<string, Response>>,
  b: Readonly<Record<string, Response>>,
  base: OpenApiDocument,
  head: OpenApiDocument,
  schemas: SchemaDiffer,
  add: Add,
): void {
  const success = (code: string) => /^[23]/.test(code);
  for (const code of Object.keys(a)) {
    if (!(code in b)) {
      if (success(code)) add(subject, 'response-success-status-removed', 'breaking', `no longer answers ${code}`);
      else add(subject, 'response-non-success-status-removed', 'potentially-breaking', `no longer answers error ${code}`);
      continue;
    }
    diffContent(subject, `response ${code}`, resolve(base, a[code])?.content, resolve(head, b[code])?.content, 'response', schemas, add);
  }
  for (const code of Object.keys(b)) {
    if (code in a) continue;
    if (success(code)) add(subject, 'response-success-status-added', 'potentially-breaking', `may now answer ${code}`);
    else add(subject, 'response-non-success-status-added', 'potentially-breaking', `may now answer error ${code}`);
  }
}

function report(subject: string, where: string, findings: readonly SchemaFinding[], add: Add): void {
  for (const f of findings)
    add(subject, f.rule, f.severity, `${where}${f.field ? ` field \`${f.field}\`` : ''} ${f.detail}`, f.addition ?? false);
}
