/**
 * Streams rows into a real .xlsx with exceljs's WorkbookWriter. Rows are committed one by one to a
 * temporary file (memory stays flat however long the export), and the caller gets a read stream of
 * that file which deletes it once consumed or abandoned.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';

export interface XlsxColumn {
  readonly key: string;
  readonly header: string;
  /** Field type from the descriptor, to pick a cell format. */
  readonly type?: string;
}

export interface XlsxWriter {
  addRow(row: Record<string, unknown>): void;
  /** Finishes the workbook; returns a stream of the file and its row count. */
  finish(): Promise<{ stream: NodeJS.ReadableStream; rows: number }>;
}

/** Cell value for exceljs: numbers stay numbers, decimals become numbers, JSON is stringified. */
function cell(v: unknown, type: string | undefined): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (type === 'decimal' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (type === 'datetime' && typeof v === 'string' && !Number.isNaN(Date.parse(v))) return new Date(v);
  if (v instanceof Date || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  return JSON.stringify(v);
}

export async function createXlsxWriter(sheetName: string, columns: readonly XlsxColumn[]): Promise<XlsxWriter> {
  const dir = await mkdtemp(join(tmpdir(), 'loop-xlsx-'));
  const filename = join(dir, 'export.xlsx');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename, useStyles: true, useSharedStrings: false });
  wb.creator = 'LOOP';
  // Sheet names are limited to 31 characters without []:*?/\.
  const ws = wb.addWorksheet(sheetName.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'Sheet1');
  ws.columns = columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: Math.min(60, Math.max(10, c.header.length + 2)),
    style: c.type === 'datetime' ? { numFmt: 'yyyy-mm-dd hh:mm:ss' } : {},
  }));
  ws.getRow(1).font = { bold: true };
  ws.getRow(1).commit();
  let rows = 0;
  return {
    addRow(row) {
      const values: Record<string, ExcelJS.CellValue> = {};
      for (const c of columns) values[c.key] = cell(row[c.key], c.type);
      ws.addRow(values).commit();
      rows++;
    },
    async finish() {
      ws.commit();
      await wb.commit();
      const stream = createReadStream(filename);
      const cleanup = () => void rm(dir, { recursive: true, force: true });
      stream.on('close', cleanup);
      return { stream, rows };
    },
  };
}
