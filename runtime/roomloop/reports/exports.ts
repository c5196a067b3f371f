/**
 * Streamed exports (seed 001: export.csv, export.xlsx), both fed by reportRows' keyset batches.
 * CSV via csv-stringify, piped, so a slow client pauses the database reads. XLSX via our own
 * xlsx-writer: exceljs' stream.xlsx.WorkbookWriter looks streaming but zips with JSZip, which held
 * the whole sheet until commit (memory grew with the row count, measured by
 * test/bench/exports.bench.ts); the writer here deflates each chunk of rows as it is made.
 */
import { PassThrough, Readable } from 'node:stream';
import type { Knex } from 'knex';
import { stringify } from 'csv-stringify';
import { EXPORT_COLUMNS, reportRows, type ReportFilter } from './report-rows.ts';
import { writeXlsx } from './xlsx-writer.ts';

export function exportCsv(db: Knex, f: ReportFilter): NodeJS.ReadableStream {
  const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS] });
  const src = Readable.from(reportRows(db, f));
  src.on('error', (e) => csv.destroy(e));
  return src.pipe(csv);
}

export function exportXlsx(db: Knex, f: ReportFilter): NodeJS.ReadableStream {
  const out = new PassThrough();
  const columns = EXPORT_COLUMNS.map((c) => ({ header: c, width: c === 'purpose' ? 40 : 16 }));
  writeXlsx(out, 'Reservations', columns, reportRows(db, f)).catch((e: Error) => out.destroy(e));
  return out;
}
