/**
 * A streaming ZIP writer (deflate, data descriptors) for the XLSX export. exceljs' "streaming"
 * WorkbookWriter hands every part to JSZip, which holds the whole archive until commit, so 100,000
 * rows sat in memory and nothing reached the client before the end. Here each entry's bytes are
 * deflated and written as they come: the CRC and sizes go in a data descriptor after the data (flag
 * bit 3), so nothing has to be known up front, and `out`'s backpressure pauses the source.
 * No ZIP64: an export that would pass 4 GiB fails loudly instead of writing a corrupt file.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';

export interface ZipEntry {
  readonly name: string;
  /** The entry's bytes; an async iterable is read lazily, when the writer reaches the entry. */
  readonly data: string | Buffer | (() => AsyncIterable<string | Buffer>);
}

const FLAGS = 0x0808; // bit 3: sizes in a data descriptor; bit 11: UTF-8 names
const DEFLATE = 8;
const VERSION = 20;
// Fixed 1980-01-01 00:00 timestamps: the same rows give the same bytes.
const DOS_TIME = 0;
const DOS_DATE = 0x21;
const MAX32 = 0xffffffff;

/** Resolves once `out` wants more; rejects if it is closed first (client gone) so the source stops. */
function drained(out: Writable): Promise<void> {
  if (out.destroyed) return Promise.reject(new Error('export output closed'));
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('export output closed'));
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

function localHeader(name: Buffer): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(VERSION, 4);
  b.writeUInt16LE(FLAGS, 6);
  b.writeUInt16LE(DEFLATE, 8);
  b.writeUInt16LE(DOS_TIME, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  // crc, sizes (14..25) stay 0: they follow in the data descriptor.
  b.writeUInt16LE(name.length, 26);
  return Buffer.concat([b, name]);
}

function descriptor(crc: number, csize: number, usize: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(0x08074b50, 0);
  b.writeUInt32LE(crc >>> 0, 4);
  b.writeUInt32LE(csize, 8);
  b.writeUInt32LE(usize, 12);
  return b;
}

function centralRecord(name: Buffer, crc: number, csize: number, usize: number, offset: number): Buffer {
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(VERSION, 4);
  b.writeUInt16LE(VERSION, 6);
  b.writeUInt16LE(FLAGS, 8);
  b.writeUInt16LE(DEFLATE, 10);
  b.writeUInt16LE(DOS_TIME, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  b.writeUInt32LE(crc >>> 0, 16);
  b.writeUInt32LE(csize, 20);
  b.writeUInt32LE(usize, 24);
  b.writeUInt16LE(name.length, 28);
  // extra, comment, disk, attributes (30..41) stay 0
  b.writeUInt32LE(offset, 42);
  return Buffer.concat([b, name]);
}

function endOfCentralDirectory(count: number, size: number, offset: number): Buffer {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(count, 8);
  b.writeUInt16LE(count, 10);
  b.writeUInt32LE(size, 12);
  b.writeUInt32LE(offset, 16);
  return b;
}

/** Writes the entries as one ZIP archive to `out` (which it does not end). */
export async function writeZip(out: Writable, entries: readonly ZipEntry[]): Promise<void> {
  let offset = 0;
  const central: Buffer[] = [];
  const put = async (b: Buffer) => {
    offset += b.length;
    if (offset > MAX32) throw new Error('export too large for a ZIP without ZIP64');
    if (!out.write(b)) await drained(out);
  };
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const start = offset;
    await put(localHeader(name));
    let crc = 0;
    let usize = 0;
    let csize = 0;
    const src = typeof e.data === 'function' ? e.data() : [e.data];
    async function* plain() {
      for await (const c of src) {
        const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
        crc = crc32(b, crc);
        usize += b.length;
        yield b;
      }
    }
    await pipeline(Readable.from(plain()), createDeflateRaw(), async (compressed: AsyncIterable<Buffer>) => {
      for await (const c of compressed) {
        csize += c.length;
        await put(c);
      }
    });
    if (usize > MAX32) throw new Error('export too large for a ZIP without ZIP64');
    await put(descriptor(crc, csize, usize));
    central.push(centralRecord(name, crc, csize, usize, start));
  }
  const cdStart = offset;
  for (const c of central) await put(c);
  await put(endOfCentralDirectory(central.length, offset - cdStart, cdStart));
}
