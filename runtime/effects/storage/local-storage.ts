/**
 * Local-directory storage driver: one file per key under a root directory. Writes go to a temp
 * name first and are renamed into place, so a reader never sees half a file.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { notFound } from '../../http/api-error.ts';
import { checkKey, type Storage } from './storage.ts';

export function createLocalStorage(dir: string): Storage {
  const root = resolve(dir);
  const pathOf = (key: string) => join(root, ...checkKey(key).split('/'));
  return {
    driver: 'local',
    async put(key, data) {
      const file = pathOf(key);
      await mkdir(dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        // writeFile accepts a stream too and writes it chunk by chunk.
        await writeFile(tmp, data as Buffer | (NodeJS.ReadableStream & AsyncIterable<Buffer>));
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      await rename(tmp, file);
    },
    async get(key) {
      const file = pathOf(key);
      try {
        await stat(file);
      } catch {
        throw notFound('The stored file is missing.');
      }
      return createReadStream(file);
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
