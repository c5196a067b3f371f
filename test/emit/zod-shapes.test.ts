/**
 * Action body shapes the basic fixture lacks (multipart, a resource of another module, arrays,
 * decimal filters), on a hand-extended copy of the fixture's IR; emitted, type-checked and run.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { emitZod } from '../../generator/emit/zod/emit-zod.ts';
import type { ActionNode, FieldNode, ModuleNode, ServiceNode } from '../../generator/ir/index.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { projectRoot } from '../helpers/golden.ts';

const f = (name: string, type: FieldNode['type'], extra: Partial<FieldNode> = {}): FieldNode => ({
  kind: 'field',
  name,
  column: name,
  type,
  system: false,
  required: false,
  nullable: false,
  unique: false,
  filter: [],
  search: false,
  orderable: false,
  readOnly: false,
  writeOnly: false,
  index: false,
  ...extra,
});

function extend(shop: ServiceNode): ServiceNode {
  const booking = shop.modules.find((m) => m.name === 'booking')!;
  const base = booking.actions[0]!;
  const mk = (a: Partial<ActionNode>): ActionNode => ({ ...base, pathParams: [], query: [], ...a }) as ActionNode;
  const actions: ActionNode[] = [
    ...booking.actions,
    mk({
      name: 'import',
      method: 'POST',
      path: 'booking/import/',
      operationId: 'bookingImport',
      request: {
        kind: 'shape',
        shape: 'multipart',
        name: 'BookingImportRequest',
        fields: [f('file', 'file', { required: true }), f('limit', 'integer', { min: 1 }), f('dry_run', 'boolean')],
      },
    }),
    mk({
      name: 'invite',
      method: 'POST',
      path: 'booking/invite/',
      operationId: 'bookingInvite',
      request: { kind: 'shape', shape: 'resource', resource: 'shop.core.memberships', many: true },
    }),
    mk({
      name: 'prices',
      method: 'PUT',
      path: 'booking/prices/',
      operationId: 'bookingPrices',
      query: [f('dry', 'boolean')],
      request: {
        kind: 'shape',
        shape: 'object',
        name: 'BookingPricesRequest',
        many: true,
        fields: [
          f('service', 'ref', {
            required: true,
            ref: { resource: 'shop.booking.services', table: 'booking_services', column: 'id', onDelete: 'restrict' },
          }),
          f('price', 'decimal', { precision: 5, scale: 2, required: true }),
        ],
      },
    }),
    mk({
      name: 'tag',
      method: 'POST',
      path: 'booking/tag/',
      operationId: 'bookingTag',
      request: {
        kind: 'shape',
        shape: 'object',
        name: 'BookingTagRequest',
        many: false,
        fields: [f('tags', 'json', { default: ['new'] }), f('note', 'string', { nullable: true, default: null })],
      },
    }),
  ];
  const services = booking.resources.find((r) => r.name === 'services')!;
  const pricedServices = {
    ...services,
    fields: services.fields.map((x) => (x.name === 'price' ? { ...x, filter: ['gte', 'lte'] as const } : x)),
  };
  const modules: ModuleNode[] = shop.modules.map((m) =>
    m === booking ? { ...m, actions, resources: m.resources.map((r) => (r === services ? pricedServices : r)) } : m,
  );
  return { ...shop, modules, resources: shop.resources.map((r) => (r === services ? pricedServices : r)) };
}

let tmp: string;
let booking: Record<string, ZodType>;
let source: string;

beforeAll(async () => {
  const { catalogue } = await loadCatalogue(projectRoot, { specDir: 'test/fixtures/basic/spec' });
  const shop = extend(catalogue!.services.find((s) => s.name === 'shop')!);
  await mkdir(join(projectRoot, 'test', '.tmp'), { recursive: true });
  tmp = await mkdtemp(join(projectRoot, 'test', '.tmp', 'zod-shapes-'));
  for (const file of emitZod(shop, { root: projectRoot, version: '0' })) {
    await mkdir(dirname(join(tmp, file.path)), { recursive: true });
    await writeFile(join(tmp, file.path), file.contents);
    if (file.path.endsWith('/booking.ts')) source = file.contents;
  }
  booking = await import(pathToFileURL(join(tmp, 'generated/shop/validators/booking.ts')).href);
});

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const ok = (schema: ZodType | undefined, value: unknown) => schema!.safeParse(value).success;

describe('emitZod action shapes', () => {
  it('type-checks', () => {
    const program = ts.createProgram([join(tmp, 'generated/shop/validators/index.ts')], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      types: [],
    });
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('multipart bodies coerce text parts and leave uploads to the file handler', () => {
    const body = booking.BookingImportBody;
    expect(body!.parse({ limit: '5', dry_run: 'true' })).toEqual({ limit: 5, dry_run: true });
    expect(ok(body, { limit: '0' })).toBe(false);
    // The file arrives in ctx.files, never in the body: a text part of that name is dropped (DRF ignores unknown keys).
    expect(body!.parse({ file: 'x' })).not.toHaveProperty('file');
  });

  it('resource bodies of another module are imported lazily and arrays are checked item by item', () => {
    expect(source).toContain("import { MembershipCreate } from './core.ts';");
    expect(source).toContain('z.array(z.lazy(() => MembershipCreate))');
    const invite = booking.BookingInviteBody;
    expect(ok(invite, [{ email: 'a@b.co' }, { email: 'c@d.co', role: 'admin' }])).toBe(true);
    expect(ok(invite, [{ email: 'a@b.co' }, { email: 'bad' }])).toBe(false);
    expect(ok(invite, { email: 'a@b.co' })).toBe(false);
  });

  it('action bodies apply catalogue defaults (a fresh object each parse); resource create bodies leave them to the database', () => {
    const tag = booking.BookingTagBody!;
    const a = tag.parse({}) as { tags: string[]; note: string | null };
    expect(a).toEqual({ tags: ['new'], note: null });
    a.tags.push('changed');
    expect(tag.parse({})).toEqual({ tags: ['new'], note: null });
    expect(source).toContain("tags: z.json({ error: drf.json }).refine(jsonWithoutNul, NUL_MESSAGE).default(() => (['new'])),");
    expect(booking.BookingServiceCreate!.parse({ name: 'Cut', price: '10.00' })).toEqual({ name: 'Cut', price: '10.00' });
  });

  it('object arrays, decimal precision and query coercion', () => {
    const prices = booking.BookingPricesBody;
    expect(
      ok(prices, [
        { service: 1, price: '999.99' },
        { service: 2, price: 12.5 },
      ]),
    ).toBe(true);
    expect(ok(prices, [{ service: 1, price: '1000.00' }])).toBe(false); // NUMERIC(5,2) holds at most 999.99
    expect(booking.BookingPricesQuery!.parse({ dry: '0' })).toEqual({ dry: false });
    const list = booking.BookingServiceListQuery;
    expect(ok(list, { price__gte: '10.50' })).toBe(true);
    expect(ok(list, { price__gte: 'ten' })).toBe(false);
  });
});
