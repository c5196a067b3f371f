/**
 * The HS256 signing secret: `LOOP_JWT_SECRET` when set (required for several processes to agree);
 * otherwise a random secret generated once and kept in the data dir (`.loopgen/loop/jwt-secret`),
 * so embedded mode survives restarts without configuration.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function jwtSecretPath(dataDir: string): string {
  return join(dataDir, 'loop', 'jwt-secret');
}

export function loadJwtSecret(opts: { dataDir?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = opts.env ?? process.env;
  const fromEnv = env.LOOP_JWT_SECRET?.trim();
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error('LOOP_JWT_SECRET must be at least 32 characters long.');
    return fromEnv;
  }
  const file = jwtSecretPath(opts.dataDir ?? env.LOOPGEN_DATA_DIR ?? '.loopgen');
  const existing = readSecret(file);
  if (existing !== null) return existing;
  const secret = randomBytes(48).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  // Written whole under a temporary name, then linked into place: `link` fails if another process won
  // the race, and a reader never sees a half-written (or empty) file, so every process ends up agreeing.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, secret + '\n', { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
  // The winner's file (gone again only if someone deleted it meanwhile: then start over).
  return readSecret(file) ?? loadJwtSecret(opts);
}

/** The kept secret, or null when there is none yet; a secret too short to sign with stops the start. */
function readSecret(file: string): string | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (text.length < 32) {
    throw new Error(
      `${file} holds a JWT secret shorter than 32 characters: delete it to have a new one generated, or set LOOP_JWT_SECRET.`,
    );
  }
  return text;
}
