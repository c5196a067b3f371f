/**
 * A one-sheet XLSX written row by row: the minimal SpreadsheetML parts (content types, relations,
 * workbook, one worksheet with inline strings, no styles) zipped by zip-writer.ts as they are made.
 * Memory stays at one chunk of XML however many rows the source yields; a slow reader pauses the
 * source through the stream's backpressure.
 */
import type { Writable } from 'node:stream';
import { writeZip } from './zip-writer.ts';

export interface XlsxColumn {
  readonly header: string;
  readonly width?: number;
}

export type XlsxCell = string | number | null | undefined;

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

const CONTENT_TYPES = `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`
  + '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
  + '<Default Extension="xml" ContentType="application/xml"/>'
  + '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
  + '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
  + '</Types>';
const ROOT_RELS = `${XML}<Relationships xmlns="${PKG_REL_NS}">`
  + `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK_RELS = `${XML}<Relationships xmlns="${PKG_REL_NS}">`
  + `<Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`;

/** Flush the sheet's XML to the deflater in pieces of about this many characters. */
const CHUNK = 64 * 1024;

/** XML-escapes text and drops characters XML 1.0 cannot carry (control characters, lone surrogates). */
export function xmlText(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnName(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

function cell(ref: string, v: XlsxCell): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'number' && Number.isFinite(v)) return `<c r="${ref}"><v>${v}</v></c>`;
  const text = xmlText(String(v));
  const space = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : '';
  return `<c r="${ref}" t="inlineStr"><is><t${space}>${text}</t></is></c>`;
}

function rowXml(n: number, cells: readonly XlsxCell[]): string {
  let s = `<row r="${n}">`;
  for (let i = 0; i < cells.length; i++) s += cell(`${columnName(i)}${n}`, cells[i]);
  return `${s}</row>`;
}

async function* sheetXml(columns: readonly XlsxColumn[], rows: AsyncIterable<readonly XlsxCell[]>): AsyncGenerator<string> {
  const cols = columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width ?? 12}" customWidth="1"/>`).join('');
  let buf = `${XML}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><cols>${cols}</cols><sheetData>`
    + rowXml(1, columns.map((c) => c.header));
  let n = 1;
  for await (const r of rows) {
    buf += rowXml(++n, r);
    if (buf.length >= CHUNK) {
      yield buf;
      buf = '';
    }
  }
  yield `${buf}</sheetData></worksheet>`;
}

/** Writes the workbook to `out` and ends it. */
export async function writeXlsx(out: Writable, sheetName: string, columns: readonly XlsxColumn[], rows: AsyncIterable<readonly XlsxCell[]>): Promise<void> {
  // Sheet names: at most 31 characters, none of : \ / ? * [ ].
  const name = xmlText(sheetName.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31) || 'Sheet1');
  const workbook = `${XML}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets><sheet name="${name}" sheetId="1" r:id="rId1"/></sheets></workbook>`;
  await writeZip(out, [
    { name: '[Content_Types].xml', data: CONTENT_TYPES },
    { name: '_rels/.rels', data: ROOT_RELS },
    { name: 'xl/workbook.xml', data: workbook },
    { name: 'xl/_rels/workbook.xml.rels', data: WORKBOOK_RELS },
    { name: 'xl/worksheets/sheet1.xml', data: () => sheetXml(columns, rows) },
  ]);
  out.end();
}
