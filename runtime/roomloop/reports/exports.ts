/**
 * Streamed exports (seed 001: export.csv, export.xlsx). CSV via csv-stringify; XLSX via exceljs'
 * streaming WorkbookWriter, which writes each committed row out instead of holding the sheet.
 * The writer loop waits for 'drain' so a slow client throttles the database reads.
 */
import { PassThrough, Readable } from 'node:stream';
import type { Knex } from 'knex';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { EXPORT_COLUMNS, reportRows, type ReportFilter } from './report-rows.ts';

export function exportCsv(db: Knex, f: ReportFilter): NodeJS.ReadableStream {
  const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS] });
  const src = Readable.from(reportRows(db, f));
  src.on('error', (e) => csv.destroy(e));
  return src.pipe(csv);
}

export function exportXlsx(db: Knex, f: ReportFilter): NodeJS.ReadableStream {
  const out = new PassThrough();
  void (async () => {
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
    const sheet = wb.addWorksheet('Reservations');
    sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: c, key: c, width: c === 'purpose' ? 40 : 16 }));
    for await (const row of reportRows(db, f)) {
      sheet.addRow(row).commit();
      if (out.writableNeedDrain) await new Promise((r) => out.once('drain', r));
    }
    sheet.commit();
    await wb.commit();
  })().catch((e) => out.destroy(e as Error));
  return out;
}
