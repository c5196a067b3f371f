/**
 * The 32-byte key for runtime/secrets/seal.ts: `LOOPGEN_SECRETS_KEY` (base64 or base64url of 32
 * bytes) when set — required when several machines share a database; otherwise a random key made
 * once and kept in the data dir (`<LOOPGEN_DATA_DIR or .loopgen>/secrets-key`, mode 0600) beside
 * the JWT secrets, so embedded mode needs no configuration. Losing that file makes every sealed
 * value unreadable (unseal says so); the secrets can then only be re-issued (rotate / re-enrol).
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const KEY_BYTES = 32;
let configuredDir: string | undefined;
const fileKeys = new Map<string, Buffer>();

export function secretsKeyPath(dataDir: string): string {
  return join(dataDir, 'secrets-key');
}

/** Where the key file lives for this process (a service start may name its data dir). */
export function configureSecrets(opts: { dataDir?: string }): void {
  configuredDir = opts.dataDir;
}

function decodeKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES)
    throw new Error(`${source} must hold ${KEY_BYTES} bytes in base64 (e.g. \`openssl rand -base64 32\`); it holds ${key.length}.`);
  return key;
}

export function secretsKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env.LOOPGEN_SECRETS_KEY?.trim();
  if (fromEnv) return decodeKey(fromEnv, 'LOOPGEN_SECRETS_KEY');
  const file = resolve(secretsKeyPath(configuredDir ?? env.LOOPGEN_DATA_DIR ?? '.loopgen'));
  const cached = fileKeys.get(file);
  if (cached) return cached;
  const key = loadOrCreate(file);
  fileKeys.set(file, key);
  return key;
}

function loadOrCreate(file: string): Buffer {
  try {
    return decodeKey(readFileSync(file, 'utf8'), file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dirname(file), { recursive: true });
  // Written whole to a private temp file, then hard-linked into place: the link appears complete or
  // fails with EEXIST when another process won the race, and then both read the winner's key.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    unlinkSync(tmp);
  }
  return decodeKey(readFileSync(file, 'utf8'), file);
}
