/**
 * Streamed exports (docs/api/roomloop-api.txt: export.csv, export.xlsx), both fed by reportRows' keyset batches and
 * piped, so a slow client pauses the database reads. CSV via csv-stringify; XLSX via runtime/effects/xlsx/write-xlsx.ts.
 */
import { Readable } from 'node:stream';
import type { Knex } from 'knex';
import { stringify } from 'csv-stringify';
import { EXPORT_COLUMNS, reportRows, type ReportFilter } from './report-rows.ts';
import { xlsxStream } from '../../effects/xlsx/write-xlsx.ts';

export function exportCsv(db: Knex, f: ReportFilter): NodeJS.ReadableStream {
  const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS] });
  const src = Readable.from(reportRows(db, f));
  src.on('error', (e) => csv.destroy(e));
  return src.pipe(csv);
}

export function exportXlsx(db: Knex, f: ReportFilter): NodeJS.ReadableStream {
  return xlsxStream(EXPORT_COLUMNS, reportRows(db, f));
}
