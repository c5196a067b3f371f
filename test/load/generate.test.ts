/**
 * `generate:` (spec/README.md "Generated values"): the loader's checks, the IR defaults, and the
 * ColumnDescriptor data the router emitter prints.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../generator/diagnostics.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { resourceDescriptorData } from '../../generator/emit/router/resource-descriptor.ts';

const SERVICE = `service: acme
title: Acme
version: 1.0.0
base_path: /api/v1/
style: drf
auth: [jwt]
tenant_header: X-Company-ID
`;

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function load(module: string) {
  const root = await mkdtemp(join(tmpdir(), 'loopgen-generate-'));
  dirs.push(root);
  await mkdir(join(root, 'spec', 'acme'), { recursive: true });
  await writeFile(join(root, 'spec', 'acme', 'service.yaml'), SERVICE);
  await writeFile(join(root, 'spec', 'acme', 'shop.yaml'), module);
  return loadCatalogue(root);
}

const GOOD = `module: shop
title: Shop
resources:
  orders:
    model: Order
    fields:
      number: { type: string, max: 30, required: true, read_only: true, generate: { kind: sequence, prefix: "ORD-{year}-", pad: 5 } }
      code:   { type: string, max: 20, read_only: true, generate: { kind: code, prefix: T-, length: 10 } }
      token:  { type: uuid, read_only: true, generate: { kind: uuid } }
      short:  { type: string, read_only: true, generate: { kind: code } }
      note:   { type: string }
  tags:
    model: Tag
    scope: global
    fields:
      serial: { type: string, read_only: true, generate: { kind: sequence } }
`;

describe('generate: accepted', () => {
  it('reaches the IR with defaults filled, and the descriptor columns', async () => {
    const r = await load(GOOD);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    const service = r.catalogue!.services[0]!;
    const orders = service.resources.find((x) => x.name === 'orders')!;
    const gen = (name: string) => orders.fields.find((f) => f.name === name)!.generate;
    expect(gen('number')).toEqual({ kind: 'sequence', prefix: 'ORD-{year}-', pad: 5, per: 'company' });
    expect(gen('code')).toEqual({ kind: 'code', prefix: 'T-', length: 10 });
    expect(gen('token')).toEqual({ kind: 'uuid' });
    expect(gen('short')).toEqual({ kind: 'code', prefix: '', length: 8 });
    expect(gen('note')).toBeUndefined();
    const tags = service.resources.find((x) => x.name === 'tags')!;
    expect(tags.fields.find((f) => f.name === 'serial')!.generate).toEqual({ kind: 'sequence', prefix: '', pad: 1, per: 'global' });

    const columns = resourceDescriptorData(orders, service).columns.items as { name: string; generate?: unknown }[];
    expect(columns.find((c) => c.name === 'number')!.generate).toEqual({ kind: 'sequence', prefix: 'ORD-{year}-', pad: 5, per: 'company' });
    expect(columns.find((c) => c.name === 'note')!.generate).toBeUndefined();
  });
});

describe('generate: rejected', () => {
  it('reports each misuse with its position and a clear message', async () => {
    const r = await load(`module: shop
title: Shop
resources:
  orders:
    model: Order
    fields:
      writable: { type: string, generate: { kind: code } }
      typed:    { type: integer, read_only: true, generate: { kind: sequence } }
      keys:     { type: string, read_only: true, generate: { kind: uuid, prefix: X-, pad: 3 } }
      year:     { type: string, read_only: true, generate: { kind: code, prefix: "{year}-" } }
      short:    { type: string, max: 10, read_only: true, generate: { kind: code, prefix: PRT-, length: 8 } }
      dflt:     { type: string, read_only: true, default: x, generate: { kind: code } }
      odd:      { type: string, read_only: true, generate: { kind: serial } }
  tags:
    model: Tag
    scope: global
    fields:
      serial: { type: string, read_only: true, generate: { kind: sequence, per: company } }
    actions:
      tag:
        method: POST
        on: item
        request: { fields: { ref: { type: string, read_only: true, generate: { kind: code } } } }
`);
    expect(r.catalogue).toBeNull();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'spec/acme/shop.yaml:7:33 invalid generate: a generated field must also be read_only: true (the server sets it on create; clients cannot send it)',
      'spec/acme/shop.yaml:8:69 invalid generate: kind sequence needs a string or text field, not integer',
      'spec/acme/shop.yaml:9:74 invalid generate: "prefix" applies only to kind code or sequence',
      'spec/acme/shop.yaml:9:86 invalid generate: "pad" applies only to kind sequence',
      'spec/acme/shop.yaml:10:82 invalid generate: placeholder {year} is not supported (sequences know {year})',
      'spec/acme/shop.yaml:11:59 invalid generate: generated values are at least 12 characters long, more than max (10)',
      'spec/acme/shop.yaml:12:50 invalid generate: a generated field takes no default',
      'spec/acme/shop.yaml:13:68 unknown generate kind "serial"',
      'spec/acme/shop.yaml:18:81 invalid generate: per: company needs a company or workspace resource',
      'spec/acme/shop.yaml:23:68 invalid generate: only resource fields are generated on create, not action request or query fields',
    ]);
  });
});
