/**
 * Accounts bulk CSV (all or nothing, every bad row reported with its line), accounts export,
 * usage aggregates and the streamed CSV/XLSX exports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { openTestDb, type TestDb } from './helpers/test-db.ts';
import { makeAccount, makeFacility, principalOf } from './helpers/fixtures.ts';
import { callHandler, readStream } from './helpers/call-handler.ts';
import { setClock } from '../../runtime/roomloop/clock.ts';
import { T } from '../../runtime/roomloop/tables.ts';
import type { RoomloopPrincipal } from '../../runtime/roomloop/principal.ts';

let t: TestDb;
let admin: RoomloopPrincipal;
const csvFile = (text: string) => [
  { field: 'file', filename: 'staff.csv', contentType: 'text/csv', size: text.length, buffer: Buffer.from(text) },
];
const count = async (table: string) => Number((await t.db(table).count('* as n'))[0]!.n);

beforeAll(async () => {
  t = await openTestDb('accounts');
  setClock(() => new Date('2026-06-08T09:14:00Z'));
  admin = principalOf(await makeAccount(t.db, { role: 'admin', email: 'head@school.test' }));
});
afterAll(async () => {
  setClock(null);
  await t?.close();
});

describe('POST /v1/accounts/bulk', () => {
  it('imports nothing and reports every bad row with its line number', async () => {
    const before = await count(T.accounts);
    const text = [
      'email,name,department,role',
      'ok1@school.test,Ok One,Maths,teacher',
      'not-an-email,Bad Email,Maths,teacher',
      '"ok2@school.test","Two, With Comma",Science,admin',
      'head@school.test,Already There,,teacher',
      'ok1@school.test,Duplicate,Maths,teacher',
      'ok3@school.test,,Art,principal',
    ].join('\n');
    const res = await callHandler(t.db, 'accounts.bulk', { principal: admin, files: csvFile(text) });
    expect(res.status).toBe(400);
    const body = (res as { body: { error: { code: string; rows: { line: number; errors: string[] }[] } } }).body;
    expect(body.error.code).toBe('validation_error');
    expect(body.error.rows.map((r) => r.line)).toEqual([3, 5, 6, 7]);
    expect(body.error.rows[3]!.errors).toHaveLength(2);
    expect(body.error.rows[2]!.errors[0]).toContain('line 2');
    expect(await count(T.accounts)).toBe(before);
  });
  it('reports a malformed CSV and a wrong header', async () => {
    const bad = await callHandler(t.db, 'accounts.bulk', { principal: admin, files: csvFile('email,name\n"unclosed@school.test,Name\n') });
    expect(bad.status).toBe(400);
    const hdr = await callHandler(t.db, 'accounts.bulk', { principal: admin, files: csvFile('mail,name\nx@school.test,X\n') });
    expect((hdr as { body: { error: { rows: { line: number }[] } } }).body.error.rows[0]!.line).toBe(1);
  });
  it('imports a good file in one go', async () => {
    const res = await callHandler(t.db, 'accounts.bulk', {
      principal: admin,
      files: csvFile('email,name,department\r\nA@School.test,Alice,Maths\r\nb@school.test,"Bob ""B"" Brown",\r\n'),
    });
    expect(res.status).toBe(201);
    expect((res as { body: { imported: number } }).body.imported).toBe(2);
    expect(await t.db(T.accounts).where({ email: 'a@school.test' }).first()).toMatchObject({
      name: 'Alice',
      department: 'Maths',
      role: 'teacher',
    });
    expect(await t.db(T.accounts).where({ email: 'b@school.test' }).first()).toMatchObject({ name: 'Bob "B" Brown', department: null });
  });
  it('exports accounts as CSV', async () => {
    const res = await callHandler(t.db, 'accounts.export', { principal: admin, query: { role: 'teacher' } });
    const rows = parse(await readStream((res as { stream: NodeJS.ReadableStream }).stream), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.email)).toEqual(expect.arrayContaining(['a@school.test', 'b@school.test']));
    expect(rows.every((r) => r.role === 'teacher')).toBe(true);
  });
});

describe('reports', () => {
  it('usage aggregates and streamed exports agree', async () => {
    const f = await makeFacility(t.db, {});
    const teacher = principalOf(await makeAccount(t.db));
    for (const [date, s, e] of [
      ['2026-06-09', 1, 2],
      ['2026-06-10', 3, 3],
      ['2026-06-16', 1, 1],
    ] as const) {
      await callHandler(t.db, 'reservations.create', {
        principal: teacher,
        body: { facility_id: f, date, start_slot: s, end_slot: e, purpose: `Lesson "${date}"` },
      });
    }
    const usage = await callHandler(t.db, 'reports.usage', { principal: admin, query: { facility_id: f, period: 'week' } });
    expect((usage as { body: unknown }).body).toMatchObject({
      totals: { reservations: 3, slots: 4 },
      by_facility: [{ facility_id: f, reservations: 3, slots: 4 }],
      by_period: [
        { period: '2026-06-08', reservations: 2, slots: 3 },
        { period: '2026-06-15', reservations: 1, slots: 1 },
      ],
    });
    const csv = await callHandler(t.db, 'reports.exportCsv', {
      principal: admin,
      query: { facility_id: f, from: '2026-06-09', to: '2026-06-10' },
    });
    const rows = parse(await readStream((csv as { stream: NodeJS.ReadableStream }).stream), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.date, r.slots, r.purpose])).toEqual([
      ['2026-06-09', 'P1, P2', 'Lesson "2026-06-09"'],
      ['2026-06-10', 'P3', 'Lesson "2026-06-10"'],
    ]);
    const xlsx = await callHandler(t.db, 'reports.exportXlsx', { principal: admin, query: { facility_id: f } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readStream((xlsx as { stream: NodeJS.ReadableStream }).stream)) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(1).getCell(2).value).toBe('date');
    expect(sheet.getRow(4).getCell(2).value).toBe('2026-06-16');
  });
});
