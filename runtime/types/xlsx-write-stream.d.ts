// The package ships no types; this covers the part runtime/roomloop/reports/xlsx-writer.ts uses.
declare module '@atomictech/xlsx-write-stream' {
  import { Transform } from 'node:stream';
  export interface XLSXWriteStreamOptions {
    header?: boolean;
    columns?: string[] | Record<string, string>;
    format?: boolean;
    immediateInitialization?: boolean;
  }
  export default class XLSXWriteStream extends Transform {
    constructor(options?: XLSXWriteStreamOptions);
  }
}
