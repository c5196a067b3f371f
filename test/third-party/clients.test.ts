/**
 * The three generated OpenAPI documents as app teams consume them: openapi-typescript (default options) read
 * through openapi-fetch, @hey-api/openapi-ts (its default fetch client and SDK) and orval (its fetch client,
 * which needs no runtime dependency; its default axios client shares the same model and FormData code) each
 * generate a client from each document, and the client plus a small consumer type-check under `strict` with
 * `skipLibCheck: false`. The consumer sends a create with only its required fields (defaulted ones stay
 * optional) and proves the types are not vacuous with a `@ts-expect-error` on a body that lacks them.
 *
 * Generation runs offline, through each tool's programmatic API, into test/.tmp/third-party/ (gitignored);
 * the nine clients are then type-checked in one tsc program (see beforeAll).
 * The LOOP document is the big one (7 MB, 1,527 operations): @hey-api/openapi-ts 0.95 took 1–3 minutes and
 * ~1.4 GB on it (54 % of its CPU in its own name resolution); 0.99 takes ~20 s and ~0.6 GB. The timeouts stay
 * generous for a loaded machine. Timings are printed at the end.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient as heyApi } from '@hey-api/openapi-ts';
import openapiTS, { astToString } from 'openapi-typescript';
import { generate as orval } from 'orval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/golden.ts';

const DOCUMENTS = ['roomloop', 'platform', 'loop'] as const;
type DocumentName = (typeof DOCUMENTS)[number];

/** One create per document: its path, its operationId and a body holding only the required fields. */
const CREATE: Record<DocumentName, { path: string; operationId: string; body: string }> = {
  loop: { path: '/booking/services/', operationId: 'bookingServicesCreate', body: "{ name: 'Haircut' }" },
  platform: { path: '/forms', operationId: 'formsCreate', body: "{ name: 'Contact' }" },
  roomloop: {
    path: '/reservations',
    operationId: 'reservationsCreate',
    body: "{ facility_id: 'f1', date: '2026-06-10', start_slot: 2, end_slot: 3, purpose: 'Chemistry lab' }",
  },
};

interface Generator {
  /** Writes the client into `dir`. */
  generate(input: string, dir: string): Promise<void>;
  /** Lines of a module in `dir` that calls the create. */
  consumer(doc: DocumentName): string[];
}

const GENERATORS: Record<string, Generator> = {
  'openapi-typescript': {
    async generate(input, dir) {
      const ast = await openapiTS(JSON.parse(await readFile(input, 'utf8')));
      await writeFile(join(dir, 'schema.d.ts'), astToString(ast));
    },
    consumer: (doc) => {
      const c = CREATE[doc];
      return [
        "import createClient from 'openapi-fetch';",
        "import type { paths } from './schema';",
        "const client = createClient<paths>({ baseUrl: 'http://localhost:8000' });",
        `export const ok = client.POST('${c.path}', { body: ${c.body} });`,
        '// @ts-expect-error the required fields are missing',
        `export const bad = client.POST('${c.path}', { body: {} });`,
      ];
    },
  },
  '@hey-api/openapi-ts': {
    async generate(input, dir) {
      await heyApi({ input, output: dir, logs: { level: 'silent', file: false } });
    },
    consumer: (doc) => {
      const c = CREATE[doc];
      return [
        `import { ${c.operationId} } from './index';`,
        `export const ok = ${c.operationId}({ body: ${c.body} });`,
        '// @ts-expect-error the required fields are missing',
        `export const bad = ${c.operationId}({ body: {} });`,
      ];
    },
  },
  orval: {
    async generate(input, dir) {
      await orval({ input: { target: input }, output: { target: join(dir, 'client.ts'), client: 'fetch' } });
    },
    consumer: (doc) => {
      const c = CREATE[doc];
      return [
        `import { ${c.operationId} } from './client';`,
        `export const ok = ${c.operationId}(${c.body});`,
        '// @ts-expect-error the required fields are missing',
        `export const bad = ${c.operationId}({});`,
      ];
    },
  },
};

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: [],
  },
  include: ['**/*.ts'],
};

const root = join(projectRoot, 'test', '.tmp', 'third-party');

interface Made {
  /** Why generation failed, when it did. */
  readonly error?: string;
  readonly seconds: number;
}

/** Each client's directory under `root`: `<document>/<generator>`. */
const dirOf = (doc: DocumentName, name: string) => join(doc, name.replace(/[@/]/g, '_'));

const made = new Map<string, Made>();
/** tsc's diagnostics per client directory; under '' those it could not place (they fail every client). */
const diagnostics = new Map<string, string[]>();
let checkSeconds = 0;

/**
 * Generates every client, then type-checks them all in one `tsc` program: each client and its consumer are
 * modules of their own, so one program checks them as nine programs would, and the standard library
 * (`skipLibCheck: false`) is checked once instead of nine times. Each client also gets a tsconfig of its
 * own, to check one alone while reading a failure.
 */
beforeAll(async () => {
  await rm(root, { recursive: true, force: true });
  for (const doc of DOCUMENTS) {
    const input = join(projectRoot, 'generated', doc, 'openapi.json');
    for (const [name, gen] of Object.entries(GENERATORS)) {
      const dir = join(root, dirOf(doc, name));
      await mkdir(dir, { recursive: true });
      const t0 = performance.now();
      try {
        await gen.generate(input, dir);
        await writeFile(join(dir, 'consumer.ts'), gen.consumer(doc).join('\n') + '\n');
        await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
        made.set(dirOf(doc, name), { seconds: (performance.now() - t0) / 1000 });
      } catch (e) {
        made.set(dirOf(doc, name), { error: e instanceof Error ? (e.stack ?? e.message) : String(e), seconds: 0 });
        // A client that did not generate is left out of the program.
        await rm(dir, { recursive: true, force: true });
      }
    }
  }
  await writeFile(join(root, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  const t0 = performance.now();
  let current = '';
  for (const line of (await typeCheck(root)).split('\n')) {
    if (!line.trim()) continue;
    const file = /^(\S[^(]*)\(\d+,\d+\): /.exec(line)?.[1];
    if (file) {
      const parts = file.split(/[\\/]/);
      // A diagnostic outside the clients' own directories (a library's types) fails every client.
      const dir = parts.length > 2 ? join(parts[0]!, parts[1]!) : '';
      current = made.has(dir) ? dir : '';
    } else if (!/^\s/.test(line)) current = '';
    diagnostics.set(current, [...(diagnostics.get(current) ?? []), line]);
  }
  checkSeconds = (performance.now() - t0) / 1000;
}, 900_000);

let passed = 0;
afterAll(async () => {
  const timings = [...made].map(([dir, m]) => `${dir}: generated in ${m.seconds.toFixed(1)} s`);
  console.log(['third-party clients:', ...timings, `one type-check of all: ${checkSeconds.toFixed(1)} s`].join('\n  '));
  // A failing client stays on disk to be read.
  if (passed === DOCUMENTS.length * Object.keys(GENERATORS).length) await rm(root, { recursive: true, force: true });
});

/** stdout of `tsc -p` (its diagnostics), empty when the project type-checks. */
async function typeCheck(dir: string): Promise<string> {
  const tsc = join(projectRoot, 'node_modules', '.bin', 'tsc');
  return promisify(execFile)(tsc, ['-p', join(dir, 'tsconfig.json')], { cwd: dir, maxBuffer: 64 * 1024 * 1024 }).then(
    () => '',
    (e: { stdout?: string; message: string }) => e.stdout || e.message,
  );
}

describe.each(DOCUMENTS)('the %s document', (doc) => {
  it.each(Object.keys(GENERATORS))('%s generates a client that compiles under strict', (name) => {
    const m = made.get(dirOf(doc, name));
    expect(m?.error).toBeUndefined();
    expect(m).toBeDefined();
    expect([...(diagnostics.get('') ?? []), ...(diagnostics.get(dirOf(doc, name)) ?? [])].join('\n')).toBe('');
    passed++;
  });
});
