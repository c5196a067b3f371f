/**
 * The HS256 signing secret: `LOOP_JWT_SECRET` when set (required for several processes to agree);
 * otherwise a random secret generated once and kept in the data dir (`.loopgen/loop/jwt-secret`),
 * so embedded mode survives restarts without configuration.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {
    // not generated yet
  }
  const secret = randomBytes(48).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  // `wx` fails if another process won the race; then read its secret so both agree.
  try {
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch {
    return readFileSync(file, 'utf8').trim();
  }
}
