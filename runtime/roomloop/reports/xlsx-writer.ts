/**
 * A one-sheet XLSX streamed row by row, by @atomictech/xlsx-write-stream (an archiver-based writer).
 * exceljs' stream.xlsx.WorkbookWriter looks streaming but zips with JSZip, which holds the whole
 * sheet until commit (memory grew with the row count in test/bench/exports.bench.ts); this writer
 * deflates rows as they come, and `pipe` carries backpressure back to the row source, so a slow
 * client pauses the database reads.
 */
import { Readable } from 'node:stream';
import xlsxWriteStream from '@atomictech/xlsx-write-stream';

// A CommonJS module compiled from ES modules: Node's ESM loader hands over `module.exports`
// (the class under `.default`), bundlers and vitest hand over the class itself.
const XLSXWriteStream = ((xlsxWriteStream as unknown as { default?: typeof xlsxWriteStream }).default ?? xlsxWriteStream) as typeof xlsxWriteStream;

export type XlsxCell = string | number | null | undefined;

/** The workbook as a readable stream; `rows` is pulled only as fast as the stream is read. */
export function xlsxStream(columns: readonly string[], rows: AsyncIterable<readonly XlsxCell[]>): NodeJS.ReadableStream {
  const xlsx = new XLSXWriteStream({ header: true, columns: [...columns] });
  const src = Readable.from(rows);
  src.on('error', (e) => xlsx.destroy(e));
  return src.pipe(xlsx);
}
