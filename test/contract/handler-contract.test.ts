/**
 * The generated handler contract turns a missing or misspelt handler into a type error. The fixture's
 * validators and contract are emitted in memory, and small registries are type-checked against them with
 * ts-morph: only those files and what they import are loaded (zod, runtime/runtime-api.ts), never the
 * whole project, and nothing is written to disk.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Project, ts, type Diagnostic } from 'ts-morph';
import { emitHandlers } from '../../generator/emit/handlers/emit-handlers.ts';
import { emitZod } from '../../generator/emit/zod/emit-zod.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { projectRoot } from '../helpers/golden.ts';

/** Where the emitted files sit in the in-memory overlay: where `build` would write them, so runtime imports resolve. */
const SERVER = join(projectRoot, 'generated/shop/server');

let project: Project;

beforeAll(async () => {
  const { catalogue, diagnostics } = await loadCatalogue(join(projectRoot, 'test/fixtures/basic'));
  if (!catalogue) throw new Error(diagnostics.map((d) => JSON.stringify(d)).join('\n'));
  const shop = catalogue.services.find((s) => s.name === 'shop')!;
  const ctx = { root: projectRoot, version: '0.0.0-test' };
  project = new Project({
    tsConfigFilePath: join(projectRoot, 'tsconfig.json'),
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    // The DOM library is most of what a check would parse, and nothing here uses it (Node's types are loaded).
    compilerOptions: { lib: ['lib.es2022.d.ts'] },
  });
  for (const f of [...emitZod(shop, ctx), ...emitHandlers(shop, ctx)]) {
    project.createSourceFile(join(projectRoot, f.path), f.contents, { overwrite: true });
  }
});

const ok = 'async () => ({ body: null })';

/** Type-checks one registry module next to the contract; returns its errors as `TSxxxx message` lines. */
function check(name: string, text: string): string[] {
  const file = project.createSourceFile(join(SERVER, `${name}.ts`), text, { overwrite: true });
  return file.getPreEmitDiagnostics().map((d: Diagnostic) => `TS${d.getCode()} ${flatten(d.getMessageText())}`);
}

function flatten(m: string | ts.DiagnosticMessageChain | { compilerObject: ts.DiagnosticMessageChain }): string {
  const chain = typeof m === 'string' ? m : 'compilerObject' in m ? m.compilerObject : m;
  return typeof chain === 'string' ? chain : ts.flattenDiagnosticMessageText(chain, ' ');
}

describe('generated handler contract', () => {
  it('accepts a registry with every handler, and types each body and query from its validator', () => {
    const errors = check(
      'registry-complete',
      `
import type { ShopHandlers } from './handlers.ts';

export const handlers = {
  'booking.calendar': async ({ query }) => ({ body: { from: query.from, to: query.to, staff: query.staff ?? null } }),
  'booking.createInvoice': async ({ body }) => ({ body: { due_on: body.due_on ?? null } }),
  'core.inviteMember': async ({ body }) => ({ status: 201, body: { email: body.email, role: body.role } }),
  'core.listMembers': ${ok},
} satisfies ShopHandlers;
`,
    );
    expect(errors).toEqual([]);
  });

  it('fails the type-check when a handler is missing or misspelt', () => {
    const errors = check(
      'registry-broken',
      `
import type { ShopHandlers } from './handlers.ts';

// One module's handlers, spread into the registry as the wings do.
const bookingHandlers = {
  'booking.calender': ${ok},
  'booking.createInvoice': ${ok},
};

export const handlers = {
  ...bookingHandlers,
  'core.inviteMember': ${ok},
} satisfies ShopHandlers;
`,
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^TS1360 .*does not satisfy the expected type 'ShopHandlers'/);
    // The misspelt name leaves the real one missing, and the removed one is missing too.
    expect(errors[0]).toContain("'booking.calendar'");
    expect(errors[0]).toContain("'core.listMembers'");
  });

  it('fails the type-check when a literal registry names a handler the catalogue does not declare', () => {
    const errors = check(
      'registry-typo',
      `
import type { ShopHandlers } from './handlers.ts';

export const handlers = {
  'booking.calendar': ${ok},
  'booking.createInvoice': ${ok},
  'core.inviteMember': ${ok},
  'core.listMembres': ${ok},
} satisfies ShopHandlers;
`,
    );
    expect(errors.join('\n')).toMatch(/TS2353 .*core\.listMembres.* does not exist in type 'ShopHandlers'/);
  });

  it('fails the type-check when a handler reads a body field its validator does not have', () => {
    const errors = check(
      'registry-wrong-field',
      `
import type { ShopHandlers } from './handlers.ts';

export const handlers = {
  'booking.calendar': ${ok},
  'booking.createInvoice': async ({ body }) => ({ body: body.amount }),
  'core.inviteMember': ${ok},
  'core.listMembers': ${ok},
} satisfies ShopHandlers;
`,
    );
    expect(errors.join('\n')).toMatch(/TS2339 Property 'amount' does not exist/);
  });
});
