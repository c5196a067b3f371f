/**
 * The one XLSX writer: a one-sheet workbook streamed row by row by @atomictech/xlsx-write-stream
 * (an archiver-based writer). exceljs' stream.xlsx.WorkbookWriter looks streaming but zips with JSZip,
 * which holds the whole sheet until commit (memory grew with the row count in test/bench/exports.bench.ts);
 * this writer deflates rows as they come, and `pipe` carries backpressure back to the row source, so a
 * slow client pauses the database reads.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import xlsxWriteStream from '@atomictech/xlsx-write-stream';

// A CommonJS module compiled from ES modules: Node's ESM loader hands over `module.exports`
// (the class under `.default`), bundlers and vitest hand over the class itself.
const XLSXWriteStream = ((xlsxWriteStream as unknown as { default?: typeof xlsxWriteStream }).default ??
  xlsxWriteStream) as typeof xlsxWriteStream;

export type XlsxCell = string | number | boolean | Date | null | undefined;

/** Dates are written as date-times (the writer's default date format drops the time). */
const STYLES = { date: { formatCode: 'yyyy-mm-dd hh:mm:ss' } };

/**
 * The writer turns a string that starts with `=` into a formula; exported data must stay data, so
 * such a string goes in as a String object, which the writer writes as plain inline text.
 */
function asData(v: XlsxCell): XlsxCell | string {
  return typeof v === 'string' && v.startsWith('=') ? (new String(v) as unknown as string) : v;
}

async function* dataRows(rows: AsyncIterable<readonly XlsxCell[]>): AsyncGenerator<XlsxCell[]> {
  for await (const row of rows) yield row.map(asData);
}

/** The workbook as a readable stream with a header row; `rows` is pulled only as fast as the stream is read. */
export function xlsxStream(columns: readonly string[], rows: AsyncIterable<readonly XlsxCell[]>): NodeJS.ReadableStream {
  const xlsx = new XLSXWriteStream({ header: true, columns: [...columns], styleDefs: STYLES });
  const src = Readable.from(dataRows(rows));
  src.on('error', (e) => xlsx.destroy(e));
  return src.pipe(xlsx);
}

/**
 * Writes the whole workbook to a temporary file before answering, for exports that must read their rows
 * inside the request's transaction and may still refuse (too many rows) before the first byte is sent.
 * Memory stays flat; the returned stream deletes the file once consumed or abandoned.
 */
export async function xlsxFile(
  columns: readonly string[],
  rows: AsyncIterable<readonly XlsxCell[]>,
): Promise<{ stream: NodeJS.ReadableStream; rows: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'loop-xlsx-'));
  const file = join(dir, 'export.xlsx');
  let count = 0;
  async function* counted() {
    for await (const row of rows) {
      count++;
      yield row;
    }
  }
  try {
    await pipeline(xlsxStream(columns, counted()), createWriteStream(file));
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  const stream = createReadStream(file);
  stream.on('close', () => void rm(dir, { recursive: true, force: true }));
  return { stream, rows: count };
}

/** A database value as a cell: decimals and date-times by their field type, JSON as text. */
export function toCell(v: unknown, type?: string): XlsxCell {
  if (v === null || v === undefined) return null;
  if (type === 'decimal' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (type === 'datetime' && typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v);
  if (v instanceof Date || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return JSON.stringify(v);
}
