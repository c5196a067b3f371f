/**
 * docs/generate-pdf and docs/export-excel through the generated server: real PDF bytes stored as a
 * file asset, real .xlsx read back with exceljs, filters validated against the resource's list schema.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { request } from './loop-client.ts';

let svc: TestService;
let storageDir: string;

async function signIn(label: string) {
  const n = `${label}${process.pid}${Math.floor(Math.random() * 1e6)}`;
  const email = `${n}@example.test`;
  const password = 'Str0ng-passw0rd!';
  await request(`${svc.api}auth/register/`, 'POST', { email, username: n, password, company_name: `Co ${n}` });
  const login = await request(`${svc.api}auth/login/`, 'POST', { email, password });
  const company = await svc
    .db('companies')
    .where({ name: `Co ${n}` })
    .first('id', 'code');
  const headers = { Authorization: `Bearer ${login.body.access}`, 'X-Company-ID': company.code as string };
  return {
    companyId: Number(company.id),
    json: (method: string, path: string, body?: unknown) => request(`${svc.api}${path}`, method, body, headers),
    raw: (method: string, path: string, body?: unknown) =>
      fetch(`${svc.api}${path}`, {
        method,
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
  };
}

const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;

beforeAll(async () => {
  storageDir = await mkdtemp(join(tmpdir(), 'loop-docs-storage-'));
  process.env.LOOP_STORAGE_DIR = storageDir;
  svc = await startTestService('loop');
}, 120_000);

afterAll(async () => {
  await svc?.close();
  delete process.env.LOOP_STORAGE_DIR;
  await rm(storageDir, { recursive: true, force: true });
});

describe('docs/generate-pdf', () => {
  it('renders a template with data to a real PDF and keeps it as a file asset', async () => {
    const c = await signIn('pdf');
    const tpl = await c.json('POST', 'docs/templates/', {
      name: 'Receipt',
      kind: 'receipt',
      format: 'html',
      body: '<h1>Receipt for {{customer}}</h1><p>Amount: {{amount}} {{currency}}</p><ul>{{#each items}}<li>{{this}}</li>{{/each}}</ul>',
    });
    expect(tpl.status).toBe(201);
    const res = await c.raw('POST', 'docs/generate-pdf/', {
      template: tpl.body.id,
      data: { customer: 'Ada <Lovelace>', amount: '12.50', currency: 'USD', items: ['Tea', 'Cake'] },
      filename: 'receipt-1',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(res.headers.get('content-disposition')).toContain('receipt-1.pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pageCount(pdf)).toBe(1);

    const assets = await svc.db('files_assets').where({ company_id: c.companyId, source_module: 'docs' });
    expect(assets).toHaveLength(1);
    expect(assets[0]).toMatchObject({
      content_type: 'application/pdf',
      size_bytes: pdf.length,
      source_id: `template:${tpl.body.id}`,
      name: 'receipt-1.pdf',
    });
    const dl = await c.raw('GET', `files/assets/${assets[0].id}/download/`);
    expect(Buffer.from(await dl.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it('renders a long saved document over several pages and links it when save is true', async () => {
    const c = await signIn('pdfdoc');
    const tpl = await c.json('POST', 'docs/templates/', {
      name: 'Letter',
      format: 'markdown',
      body: '# Dear {{name}}\n\n' + '{{para}}\n\n'.repeat(60),
    });
    const doc = await c.json('POST', 'docs/documents/', {
      title: 'Long letter',
      template: tpl.body.id,
      data: { name: 'Grace', para: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4) },
    });
    expect(doc.status).toBe(201);
    const res = await c.raw('POST', 'docs/generate-pdf/', { document: doc.body.id, save: true });
    expect(res.status).toBe(200);
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pageCount(pdf)).toBeGreaterThan(1);
    const saved = await c.json('GET', `docs/documents/${doc.body.id}/`);
    expect(saved.body.file).toMatch(/^files\/assets\/\d+\/download\/$/);
    const audit = await svc.db('audit_logs').where({ company_id: c.companyId, action: 'generate-pdf' }).count({ n: '*' }).first();
    expect(Number(audit!.n)).toBe(1);
  });

  it("answers 404 for another tenant's document and 400 without document or template", async () => {
    const a = await signIn('pdfa');
    const b = await signIn('pdfb');
    const doc = await a.json('POST', 'docs/documents/', { title: 'Private', content: 'Secret {{x}}' });
    expect((await b.json('POST', 'docs/generate-pdf/', { document: doc.body.id })).status).toBe(404);
    expect((await b.json('POST', 'docs/generate-pdf/', {})).status).toBe(400);
    const bad = await a.json('POST', 'docs/templates/', { name: 'Bad', body: '{{#each}}' });
    const r = await a.json('POST', 'docs/generate-pdf/', { template: bad.body.id });
    expect(r.status).toBe(400);
    expect(r.body.template[0]).toMatch(/^Template error: Parse error on line 1:.*Expecting/);
  });
});

async function readXlsx(res: Response) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0]!;
  const rows: unknown[][] = [];
  ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('docs/export-excel', () => {
  it('exports a resource list with its filters and chosen columns to a real workbook', async () => {
    const c = await signIn('xlsx');
    for (const [name, kind] of [
      ['Alpha', 'invoice'],
      ['Beta', 'letter'],
      ['Gamma', 'invoice'],
    ]) {
      expect((await c.json('POST', 'docs/templates/', { name, kind, body: 'x' })).status).toBe(201);
    }
    const res = await c.raw('POST', 'docs/export-excel/', {
      resource: 'docs.templates',
      filters: { kind: 'invoice' },
      columns: ['name', 'kind', 'is_active'],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/spreadsheetml/);
    const rows = await readXlsx(res);
    expect(rows).toEqual([
      ['name', 'kind', 'is_active'],
      ['Alpha', 'invoice', true],
      ['Gamma', 'invoice', true],
    ]);
  });

  it("only exports the caller's tenant", async () => {
    const a = await signIn('xa');
    const b = await signIn('xb');
    await a.json('POST', 'docs/templates/', { name: 'Mine', body: 'x' });
    const rows = await readXlsx(await b.raw('POST', 'docs/export-excel/', { resource: 'docs.templates', columns: ['name'] }));
    expect(rows).toEqual([['name']]);
  });

  it('exports given rows', async () => {
    const c = await signIn('xrows');
    const rows = await readXlsx(
      await c.raw('POST', 'docs/export-excel/', {
        rows: [
          { a: 1, b: 'x' },
          { a: 2, c: true },
        ],
      }),
    );
    expect(rows).toEqual([
      ['a', 'b', 'c'],
      [1, 'x'],
      [2, undefined, true],
    ]);
  });

  it('refuses unknown resources, global tables, bad filters and bad columns with 400', async () => {
    const c = await signIn('xbad');
    const unknown = await c.json('POST', 'docs/export-excel/', { resource: 'docs.nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.resource[0]).toContain('docs.templates');
    expect((await c.json('POST', 'docs/export-excel/', { resource: 'core.users' })).status).toBe(400);
    const filter = await c.json('POST', 'docs/export-excel/', { resource: 'docs.templates', filters: { kind: 'bogus' } });
    expect(filter.status).toBe(400);
    expect(Object.keys(filter.body)[0]).toMatch(/^filters/);
    expect((await c.json('POST', 'docs/export-excel/', { resource: 'docs.templates', columns: ['password'] })).status).toBe(400);
    expect((await c.json('POST', 'docs/export-excel/', {})).status).toBe(400);
  });
});
