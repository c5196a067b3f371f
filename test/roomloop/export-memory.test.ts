/**
 * GET /v1/reports/export.csv and export.xlsx stream 10,000 reservations through the
 * generated server without ever holding them all: every database read returns one keyset batch (a
 * fraction of the rows), the files are complete and correct (10,001 CSV lines; the XLSX reads back
 * with exceljs), and a client that stops reading stops the server's database reads (backpressure;
 * for XLSX checked on the writer, whose compressed output socket buffers would swallow whole).
 * Memory itself is measured by test/bench/exports.bench.ts (10k vs 100k rows).
 */
import { createHash } from 'node:crypto';
import { request as httpGet, type IncomingMessage } from 'node:http';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoomloopKey } from '../../runtime/roomloop/auth/api-keys.ts';
import { xlsxStream } from '../../runtime/effects/xlsx/write-xlsx.ts';
import { T } from '../../runtime/roomloop/tables.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

// Five keyset batches of 2,000 (runtime/roomloop/reports/report-rows.ts): enough to tell batched reads from one
// read of everything, and ~5 MB of CSV, far more than socket buffers hold while a client pauses.
const N = 10_000;
const purposeOf = (g: number) =>
  `Lesson ${g}, "quoted" <b>&amp; ${Array.from({ length: 14 }, (_, k) =>
    createHash('md5')
      .update(`${g}${k + 1}`)
      .digest('hex'),
  ).join('')}`;
const FACILITY = 'fac_export_mem';
let svc: TestService;
let key: string;

/** Rows returned by each database read of the reservations table while `fn` runs. */
async function readsDuring<T>(fn: () => Promise<T>): Promise<{ result: T; reads: number[] }> {
  const reads: number[] = [];
  const sqlOf = new Map<string, string>();
  const onQuery = (q: { __knexQueryUid: string; sql: string }) => sqlOf.set(q.__knexQueryUid, q.sql);
  const onResponse = (rows: unknown, q: { __knexQueryUid: string }) => {
    if (Array.isArray(rows) && sqlOf.get(q.__knexQueryUid)?.includes(T.reservations)) reads.push(rows.length);
  };
  svc.db.on('query', onQuery).on('query-response', onResponse);
  try {
    return { result: await fn(), reads };
  } finally {
    svc.db.off('query', onQuery).off('query-response', onResponse);
  }
}

function expectBatched(reads: number[]) {
  expect(reads.reduce((a, b) => a + b, 0)).toBe(N);
  // Never all rows at once: each read is a batch of at most a quarter of them.
  expect(Math.max(...reads)).toBeLessThanOrEqual(N / 4);
  expect(reads.length).toBeGreaterThanOrEqual(4);
}

const get = (path: string) => fetch(`${svc.api}${path}`, { headers: { Authorization: `Bearer ${key}` } });

beforeAll(async () => {
  svc = await startTestService('roomloop');
  key = (await createRoomloopKey(svc.db, { role: 'admin' })).key;
  await svc.db(T.accounts).insert({ id: 'usr_export_mem', email: 'export-mem@school.test', name: 'Export Teacher', role: 'teacher' });
  await svc.db(T.facilities).insert({
    id: FACILITY,
    name: 'Export Room',
    type: 'classroom',
    building: 'Main',
    capacity: 30,
    slots: JSON.stringify(
      [1, 2, 3, 4, 5, 6].map((s) => ({ number: s, label: `P${s}`, start: `0${s + 7}:00`.slice(-5), end: `0${s + 7}:50`.slice(-5) })),
    ),
  });
  // One statement for all rows. Purposes are long and hardly compressible (≈10 MB of CSV, ≈5 MB
  // of XLSX: more than socket buffers hold) and carry characters CSV quotes and XML escapes.
  await svc.db.raw(
    `insert into ?? (id, facility_id, user_id, date, start_slot, end_slot, purpose, status)
     select 'res_em_' || lpad(g::text, 6, '0'), ?, 'usr_export_mem', date '2031-01-01' + (g / 6), g % 6 + 1, g % 6 + 1,
            'Lesson ' || g || ', "quoted" <b>&amp; ' || (select string_agg(md5(g::text || k), '' order by k) from generate_series(1, 14) k), 'confirmed'
     from generate_series(0, ? - 1) g`,
    [T.reservations, FACILITY, N],
  );
}, 180_000);

afterAll(async () => {
  await svc?.close();
});

describe('streamed report exports', () => {
  it('CSV: 10,001 lines, every reservation once and in order, read in batches', async () => {
    const { result: text, reads } = await readsDuring(async () => {
      const res = await get(`reports/export.csv?facility_id=${FACILITY}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/csv');
      return res.text();
    });
    expect(text.trimEnd().split('\n')).toHaveLength(N + 1);
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.id)).size).toBe(N);
    expect(rows[0]).toMatchObject({
      id: 'res_em_000000',
      date: '2031-01-01',
      start_slot: '1',
      slots: 'P1',
      user_email: 'export-mem@school.test',
    });
    expect(rows[0]!.purpose).toBe(purposeOf(0));
    expect(rows[6789]!.purpose).toBe(purposeOf(6789));
    expect(rows[N - 1]!.id).toBe(`res_em_${String(N - 1).padStart(6, '0')}`);
    expectBatched(reads);
  }, 120_000);

  it('XLSX: reads back with exceljs with a header and 10,000 rows, read in batches', async () => {
    const { result: buf, reads } = await readsDuring(async () => {
      const res = await get(`reports/export.xlsx?facility_id=${FACILITY}`);
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.rowCount).toBe(N + 1);
    const values = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
    expect(values(1)).toEqual([
      'id',
      'date',
      'facility_id',
      'facility',
      'start_slot',
      'end_slot',
      'slots',
      'status',
      'user_id',
      'user_email',
      'purpose',
      'created_at',
    ]);
    expect(values(2).slice(0, 8)).toEqual(['res_em_000000', '2031-01-01', FACILITY, 'Export Room', 1, 1, 'P1', 'confirmed']);
    expect(values(2)[10]).toBe(purposeOf(0));
    expect(values(6789 + 2)[10]).toBe(purposeOf(6789));
    const ids = new Set<unknown>();
    sheet.eachRow((row, n) => n > 1 && ids.add(row.getCell(1).value));
    expect(ids.size).toBe(N);
    expect(values(N + 1)[0]).toBe(`res_em_${String(N - 1).padStart(6, '0')}`);
    expectBatched(reads);
  }, 120_000);

  // XLSX compresses ~10 MB of rows into what socket buffers can hold, so its backpressure is
  // checked on the writer below rather than over a socket.
  it.each(['csv'])(
    '%s: a client that stops reading stops the database reads; resuming finishes the file',
    async (ext) => {
      const reads: number[] = [];
      const onResponse = (rows: unknown, q: { sql?: string }) => {
        if (Array.isArray(rows) && q.sql?.includes(T.reservations)) reads.push(rows.length);
      };
      svc.db.on('query-response', onResponse);
      let res: IncomingMessage | undefined;
      try {
        res = await new Promise<IncomingMessage>((resolve, reject) => {
          httpGet(`${svc.api}reports/export.${ext}?facility_id=${FACILITY}`, { headers: { Authorization: `Bearer ${key}` } }, resolve)
            .on('error', reject)
            .end();
        });
        expect(res.statusCode).toBe(200);
        res.pause();
        // Let everything in flight settle: no new batch for half a second.
        for (let last = -1, still = 0; still < 5;) {
          await new Promise((r) => setTimeout(r, 100));
          still = reads.length === last ? still + 1 : 0;
          last = reads.length;
        }
        const whilePaused = reads.reduce((a, b) => a + b, 0);
        expect(whilePaused).toBeLessThan(N);

        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        await new Promise((r) => res!.on('end', r).resume());
        const body = Buffer.concat(chunks);
        expect(body.toString().trimEnd().split('\n')).toHaveLength(N + 1);
        expect(reads.reduce((a, b) => a + b, 0)).toBe(N);
      } finally {
        svc.db.off('query-response', onResponse);
        res?.destroy(); // a failed check must not leave a paused download holding the server open
      }
    },
    120_000,
  );

  it('the XLSX writer stops pulling rows while its output is not read, and finishes when it is', async () => {
    let pulled = 0;
    async function* rows() {
      for (let i = 0; i < N; i++) {
        pulled++;
        yield [`r${i}`, i, purposeOf(i)];
      }
    }
    const out = xlsxStream(['id', 'n', 'purpose'], rows());
    for (let last = -1; pulled !== last;) {
      last = pulled;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(pulled).toBeGreaterThan(0);
    expect(pulled).toBeLessThan(N / 2);

    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((r) => out.on('end', r));
    expect(pulled).toBe(N);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.rowCount).toBe(N + 1);
    expect((sheet.getRow(N + 1).values as unknown[]).slice(1)).toEqual([`r${N - 1}`, N - 1, purposeOf(N - 1)]);
  }, 120_000);
});
