// The package ships no types; this covers the part runtime/effects/xlsx/write-xlsx.ts uses.
declare module '@atomictech/xlsx-write-stream' {
  import { Transform } from 'node:stream';
  export interface XLSXWriteStreamOptions {
    header?: boolean;
    columns?: string[] | Record<string, string>;
    format?: boolean;
    /** Overrides of the cell styles by type (`date`, `datetime`, `text`, …): `{ formatCode }` or `{ numFmtId }`. */
    styleDefs?: Record<string, { formatCode?: string; numFmtId?: number }>;
    immediateInitialization?: boolean;
  }
  export default class XLSXWriteStream extends Transform {
    constructor(options?: XLSXWriteStreamOptions);
  }
}
