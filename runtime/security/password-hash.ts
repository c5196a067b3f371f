/**
 * argon2id password hashing (OWASP-recommended parameters: 19 MiB, 2 passes). The encoded hash carries
 * its own salt and parameters, so raising the cost later only affects new hashes.
 */
import argon2 from 'argon2';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  // Stryker disable all: this branch only equalises timing — without it, argon2.verify refuses a missing or
  // non-argon2 hash and the answer is the same false; what it changes is latency, which tests do not assert.
  if (!hash || !hash.startsWith('$argon2')) {
    // Spend the same time as a real check so a missing user is not told apart by latency.
    await argon2.verify(await dummyHash(), password).catch(() => false);
    return false;
  }
  // Stryker restore all
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
// Stryker disable all: the dummy hash only serves the timing branch above.
function dummyHash(): Promise<string> {
  dummy ??= argon2.hash('loopgen-dummy-password', OPTIONS);
  return dummy;
}
// Stryker restore all
