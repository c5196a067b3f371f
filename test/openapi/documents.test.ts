/**
 * The three generated OpenAPI documents, read as a client generator reads them: no empty schemas, values
 * that can be null typed nullable, the error statuses the runtime answers documented, unique and
 * consistently formed operation ids, grammatical summaries, and request bodies whose defaulted fields stay
 * optional for openapi-typescript with its default options (checked with openapi-fetch below).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { schemaNames } from '../../generator/emit/names.ts';
import type { CatalogueNode } from '../../generator/ir/index.ts';
import { projectRoot } from '../helpers/golden.ts';

type Doc = Record<string, any>;
const SERVICES = ['loop', 'roomloop', 'platform'] as const;
const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete']);

let docs: Record<string, Doc>;
let catalogue: CatalogueNode;
let tmp: string;
beforeAll(async () => {
  docs = Object.fromEntries(
    await Promise.all(
      SERVICES.map(async (s) => [s, JSON.parse(await readFile(join(projectRoot, 'generated', s, 'openapi.json'), 'utf8'))] as const),
    ),
  );
  catalogue = (await loadCatalogue(projectRoot, {})).catalogue!;
  tmp = await mkdtemp(join(tmpdir(), 'loopgen-openapi-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function operations(doc: Doc): { method: string; path: string; op: Doc }[] {
  return Object.entries(doc.paths as Doc).flatMap(([path, item]) =>
    Object.entries(item as Doc)
      .filter(([m]) => METHODS.has(m))
      .map(([method, op]) => ({ method, path, op })),
  );
}

/** Every schema position of the document (component schemas, properties, items, alternatives, media types). */
function* schemas(node: unknown, at = '#'): Generator<[string, unknown]> {
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    const here = `${at}/${k}`;
    if (k === 'schema' || k === 'items' || k === 'additionalProperties') yield [here, v];
    if ((k === 'properties' || (k === 'schemas' && at.endsWith('/components'))) && v && typeof v === 'object') {
      for (const [name, s] of Object.entries(v)) yield [`${here}/${name}`, s];
    }
    if ((k === 'anyOf' || k === 'oneOf' || k === 'allOf') && Array.isArray(v)) for (const [i, s] of v.entries()) yield [`${here}/${i}`, s];
    yield* schemas(v, here);
  }
}

const resolve = (doc: Doc, s: Doc): Doc => (s.$ref ? resolve(doc, doc.components.schemas[s.$ref.split('/').pop()]) : s);

describe.each(SERVICES)('the %s document', (service) => {
  it('has no empty schema `{}` (code generators read it as unknown, and some refuse it)', () => {
    const empty = [...schemas(docs[service])]
      .filter(([, s]) => s && typeof s === 'object' && Object.keys(s).length === 0)
      .map(([at]) => at);
    expect(empty).toEqual([]);
  });

  it('has unique operation ids, camelCase from the path, with no bare collection names or method suffixes', () => {
    const ops = operations(docs[service]);
    const ids = ops.map(({ op }) => op.operationId as string);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(ids.filter((id) => !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    // Actions sharing a path are told apart like CRUD operations (`…List`, `…PartialUpdate`), not by method name
    // (unless the path says it: `POST /files/batch/delete` is `filesBatchDelete`).
    const byMethod = ops.filter(({ method, path, op }) => {
      const word = method[0]!.toUpperCase() + method.slice(1);
      return String(op.operationId).endsWith(word) && !path.replace(/\/$/, '').endsWith(method);
    });
    expect(byMethod.map(({ op }) => op.operationId)).toEqual([]);
    expect(ids.filter((id) => ['accounts', 'webhooks', 'reservationsPost', 'reservationsGet'].includes(id))).toEqual([]);
  });

  it('says "a" or "an" as the next word is said', () => {
    const summaries = operations(docs[service]).map(({ op }) => String(op.summary));
    // An acronym is said letter by letter: "an SMS".
    const wrong = (s: string) => /\ba [AEIO][a-z]/.test(s) || /\ban (?![A-Z]{2,}\b)[^AEIOUaeiouHh]/.test(s) || /\ban U[st]/.test(s);
    expect(summaries.filter(wrong)).toEqual([]);
  });

  it("documents 400 everywhere, 413 and 415 on every body, and each 400 in the style's shapes", () => {
    const missing: string[] = [];
    for (const { method, path, op } of operations(docs[service])) {
      const statuses = Object.keys(op.responses);
      if (!statuses.includes('400')) missing.push(`${method} ${path} 400`);
      if (op.requestBody && !(statuses.includes('413') && statuses.includes('415'))) missing.push(`${method} ${path} 413/415`);
    }
    expect(missing).toEqual([]);
  });

  it('keeps `default` out of request body schemas (openapi-typescript would make those fields required)', () => {
    const bodies = operations(docs[service]).flatMap(({ op }) =>
      Object.values((op.requestBody?.content ?? {}) as Doc).map((m) => m.schema),
    );
    const withDefault = bodies.flatMap((b) => {
      const s = resolve(docs[service]!, b.items ?? b);
      return Object.entries((s.properties ?? {}) as Doc)
        .filter(([, p]) => 'default' in p)
        .map(([k]) => k);
    });
    expect(withDefault).toEqual([]);
  });

  it('types as nullable every response field the database may hold as NULL', () => {
    const s = catalogue.services.find((x) => x.name === service)!;
    const wrong: string[] = [];
    for (const r of s.resources) {
      const read = docs[service]!.components.schemas[schemaNames(r).read];
      if (!read) continue;
      for (const f of r.fields) {
        const p = read.properties[f.name];
        const unfilled = !f.system && !f.required && f.default === undefined && !f.generate;
        if (!p || !unfilled || p.type === undefined) continue;
        if (!(Array.isArray(p.type) && p.type.includes('null'))) wrong.push(`${r.id}.${f.name}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('error statuses the runtime answers', () => {
  it('LOOP: a 400 is field errors or `{detail, code}` (parse_error); lists may answer 404 Invalid page.', () => {
    const d = docs.loop!;
    expect(d.components.responses.BadRequest.content['application/json'].schema.anyOf).toEqual([
      { $ref: '#/components/schemas/ValidationError' },
      { $ref: '#/components/schemas/ErrorDetail' },
    ]);
    const lists = operations(d).filter(({ method, op }) => method === 'get' && String(op.operationId).endsWith('List'));
    expect(lists.length).toBeGreaterThan(100);
    expect(lists.filter(({ op }) => !op.responses['404']).map(({ path }) => path)).toEqual([]);
    // `POST /tasks/tasks/ {"title": "t"}` answers `"number": null` until the task is numbered.
    expect(d.components.schemas.TasksTask.properties.number.type).toEqual(['string', 'null']);
  });

  it('RoomLoop: 404 for an unknown facility on create, 503 when Google sign-in is not configured', () => {
    const d = docs.roomloop!;
    expect(Object.keys(d.paths['/reservations'].post.responses)).toContain('404');
    expect(Object.keys(d.paths['/auth/google'].post.responses)).toContain('503');
    expect(d.components.responses.ServiceUnavailable.content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
  });

  it('platform: every error in the envelope', () => {
    const d = docs.platform!;
    for (const r of Object.values(d.components.responses as Doc)) {
      expect(r.content['application/json'].schema.$ref).toBe('#/components/schemas/ErrorEnvelope');
    }
  });
});

describe('openapi-typescript (default options) + openapi-fetch', () => {
  /** The document reduced to some paths and the components they reach (the whole LOOP document renders slowly). */
  function subset(doc: Doc, paths: string[]): Doc {
    const components: Doc = {};
    const seen = new Set<string>();
    const walk = (v: unknown): void => {
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string' && !seen.has(x)) {
          seen.add(x);
          const [, , section, name] = x.split('/');
          const target = doc.components[section!][name!];
          (components[section!] ??= {})[name!] = target;
          walk(target);
        } else walk(x);
      }
    };
    const picked = Object.fromEntries(paths.map((p) => [p, doc.paths[p]]));
    walk(picked);
    return { openapi: doc.openapi, info: doc.info, paths: picked, components };
  }

  it('type-checks a create that leaves defaulted fields out, and refuses one that leaves a required field out', async () => {
    const doc = subset(docs.loop!, ['/booking/services/', '/booking/services/{id}/']);
    await writeFile(join(tmp, 'loop.ts'), astToString(await openapiTS(doc as never)));
    await writeFile(
      join(tmp, 'use.ts'),
      [
        "import createClient from 'openapi-fetch';",
        "import type { paths } from './loop.ts';",
        "const client = createClient<paths>({ baseUrl: 'http://localhost/api/v1' });",
        "export const ok = client.POST('/booking/services/', { body: { name: 'Haircut' } });",
        "export const patch = client.PATCH('/booking/services/{id}/', { params: { path: { id: 1 } }, body: { is_active: false } });",
        'export async function read() {',
        "  const { data } = await client.GET('/booking/services/{id}/', { params: { path: { id: 1 } } });",
        '  // Defaulted fields are always there in a response.',
        '  const minutes: number | undefined = data?.duration_minutes;',
        '  return minutes;',
        '}',
        '// @ts-expect-error name is required',
        "export const bad = client.POST('/booking/services/', { body: {} });",
        '',
      ].join('\n'),
    );
    await writeFile(
      join(tmp, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'ESNext',
          moduleResolution: 'Bundler',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          types: [],
          allowImportingTsExtensions: true,
          baseUrl: projectRoot,
          paths: { 'openapi-fetch': ['node_modules/openapi-fetch'] },
        },
        files: ['use.ts'],
      }),
    );
    const tsc = join(projectRoot, 'node_modules', '.bin', 'tsc');
    const out = await promisify(execFile)(tsc, ['-p', join(tmp, 'tsconfig.json')], { cwd: projectRoot }).then(
      () => '',
      (e: { stdout: string }) => e.stdout,
    );
    expect(out).toBe('');
  }, 60_000);
});
