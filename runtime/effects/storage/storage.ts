/**
 * Where uploaded and generated files live. Handlers only see this interface; the driver is chosen
 * from the environment once per process:
 * - `local` (default): a directory, `LOOP_STORAGE_DIR` or `.loopgen/loop/storage` under the working dir;
 * - `s3`: S3-compatible object storage when `LOOP_STORAGE_DRIVER=s3` (settings in s3-storage.ts).
 * Keys are opaque, slash-separated and chosen by the caller (files/assets uses `c<company>/<uuid>`).
 */
import { createLocalStorage } from './local-storage.ts';
import { createS3Storage } from './s3-storage.ts';

export interface Storage {
  readonly driver: 'local' | 's3';
  /** Stores the bytes; a stream is consumed as it arrives (never held whole by the S3 driver). */
  put(key: string, data: Buffer | NodeJS.ReadableStream, contentType: string): Promise<void>;
  /** A readable stream of the object; throws an ApiError 404 when it is missing. */
  get(key: string): Promise<NodeJS.ReadableStream>;
  /** Removes the object; a missing object is not an error. */
  delete(key: string): Promise<void>;
}

/** Keys may only use safe characters and never climb out of the store (`..`). */
export function checkKey(key: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,511}$/.test(key) || key.split('/').some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`invalid storage key "${key}"`);
  }
  return key;
}

const S3_ENV = [
  'LOOP_S3_BUCKET',
  'LOOP_S3_ENDPOINT',
  'LOOP_S3_REGION',
  'LOOP_S3_ACCESS_KEY_ID',
  'LOOP_S3_SECRET_ACCESS_KEY',
  'LOOP_S3_FORCE_PATH_STYLE',
] as const;

let cached: { sig: string; storage: Storage } | null = null;

/** The configured storage; re-read when the relevant environment changes (tests point it at temp dirs). */
export function storageFromEnv(env: NodeJS.ProcessEnv = process.env): Storage {
  const driver = (env.LOOP_STORAGE_DRIVER ?? 'local').toLowerCase();
  const sig = [driver, env.LOOP_STORAGE_DIR, ...S3_ENV.map((k) => env[k])].map((v) => v ?? '').join('|');
  if (cached?.sig === sig) return cached.storage;
  let storage: Storage;
  if (driver === 'local') storage = createLocalStorage(env.LOOP_STORAGE_DIR ?? '.loopgen/loop/storage');
  else if (driver === 's3') storage = createS3Storage(env);
  else throw new Error(`LOOP_STORAGE_DRIVER must be "local" or "s3", not "${driver}"`);
  cached = { sig, storage };
  return storage;
}
