/**
 * runtime/security without a database: password rules (each boundary), the JWT secret's sources, digests and
 * constant-time comparisons, random ids and tokens, argon2id parameters. Quick enough for every mutant of
 * `npm run mutate -- auth`.
 */
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, passwordProblems } from '../../runtime/security/password-policy.ts';
import { jwtSecretPath, loadJwtSecret } from '../../runtime/security/jwt-secret.ts';
import { apiKeyPepper, hmacHex, randomToken, safeEqual, sameHash, sha256Hex } from '../../runtime/security/token-hash.ts';
import { newId, newToken } from '../../runtime/security/random-ids.ts';
import { hashPassword, verifyPassword } from '../../runtime/security/password-hash.ts';

const SHORT = `This password is too short. It must contain at least 8 characters.`;
const LONG = `This password is too long. It must contain at most 128 characters.`;
const NUMERIC = 'This password is entirely numeric.';
const COMMON = 'This password is too common.';
const SIMILAR = 'The password is too similar to the email or username.';

describe('password policy', () => {
  it('length: 8 to 128 characters, both ends included', () => {
    expect(MIN_PASSWORD_LENGTH).toBe(8);
    expect(MAX_PASSWORD_LENGTH).toBe(128);
    expect(passwordProblems('kq7#vzt')).toEqual([SHORT]);
    expect(passwordProblems('kq7#vztm')).toEqual([]);
    expect(passwordProblems('kq7#vztm'.repeat(16))).toEqual([]);
    expect(passwordProblems('kq7#vztm'.repeat(16) + 'x')).toEqual([LONG]);
  });

  it('entirely numeric, common, and several problems at once, in order', () => {
    expect(passwordProblems('83920175')).toEqual([NUMERIC]);
    expect(passwordProblems('8392017a')).toEqual([]);
    expect(passwordProblems('a8392017')).toEqual([]);
    expect(passwordProblems('12345')).toEqual([SHORT, NUMERIC]);
    expect(passwordProblems('123456')).toEqual([SHORT, NUMERIC, COMMON]);
    expect(passwordProblems('PASSWORD')).toEqual([COMMON]);
    expect(passwordProblems('password1!')).toEqual([COMMON]); // trailing digits/symbols stripped
    expect(passwordProblems('password1!x')).toEqual([]);
    expect(passwordProblems('!password')).toEqual([]); // only a trailing run is stripped
    expect(passwordProblems('qwerty.*&^%$#@!98')).toEqual([COMMON]);
  });

  it('too similar to the username, the email or its local part', () => {
    const user = { email: 'margaret.h@example.org', username: 'mhamilton' };
    expect(passwordProblems('mhamilton', user)).toEqual([SIMILAR]); // equal
    expect(passwordProblems('mhamilton99', user)).toEqual([SIMILAR]); // contains the username, a large part of it
    expect(passwordProblems('hamilton', user)).toEqual([SIMILAR]); // contained in the username
    expect(passwordProblems('margaret.h', user)).toEqual([SIMILAR]); // the local part
    expect(passwordProblems('margaret.h@example.org', user)).toEqual([SIMILAR]); // the email
    expect(passwordProblems('mhamiltox', user)).toEqual([SIMILAR]); // bigram similarity above 0.7
    expect(passwordProblems('violet-harbour-58', user)).toEqual([]);
    // The attribute is only a small part of the password: fine.
    expect(passwordProblems('dev-rocket-lantern', { username: 'dev' })).toEqual([]);
    expect(passwordProblems('devrocke', { username: 'devr' })).toEqual([SIMILAR]); // 4 * 2 >= 8
    expect(passwordProblems('devrocket', { username: 'devr' })).toEqual([]); // 4 * 2 < 9
    // Attributes shorter than 3 characters are ignored; missing ones too.
    expect(passwordProblems('ab-violet-58', { username: 'ab' })).toEqual([]);
    expect(passwordProblems('abc-violet', { username: 'abc' })).toEqual([]);
    expect(passwordProblems('abcviolet', { username: 'abc' })).toEqual([]);
    expect(passwordProblems('abcabcab', { username: 'abc' })).toEqual([]);
    expect(passwordProblems('abcab', { username: 'abc' })).toEqual([SHORT, SIMILAR]); // 3 characters count
    expect(passwordProblems('abab', { username: 'ab' })).toEqual([SHORT]); // 2 do not
    expect(passwordProblems('violet-harbour-58', { email: null, username: null })).toEqual([]);
    expect(passwordProblems('Violet-Harbour', { username: 'VIOLET-HARBOUR' })).toEqual([SIMILAR]); // case-insensitive
  });

  it('bigram similarity: a strong overlap counts, a weak one does not', () => {
    // "harbourlight" vs "harbourlite": most bigrams shared.
    expect(passwordProblems('harbourlight', { username: 'harbourlite' })).toEqual([SIMILAR]);
    expect(passwordProblems('harbour-qz-91', { username: 'harbourlite' })).toEqual([]);
    // Repeated bigrams count only as often as both have them.
    expect(passwordProblems('aaaaaaaaaaaa', { username: 'aab' })).toEqual([]);
    expect(passwordProblems('xyxyxyxyx7', { username: 'xyz' })).toEqual([]);
    // Counted with multiplicity: "aa" five times against twice gives 8/11 > 0.7 (as a set it would be 0.55).
    expect(passwordProblems('aaaaaaba', { username: 'aabaa' })).toEqual([SIMILAR]);
    // Only pairs of characters: a trailing single character is no bigram (with it this would be 0.73).
    expect(passwordProblems('xxxxxxxx', { username: 'yxxxx' })).toEqual([]);
    // Exactly 0.7 (7 of 10 bigrams each) is not above the threshold.
    expect(passwordProblems('abcdefghxyz', { username: 'abcdefghijk' })).toEqual([]);
    // The email's local part counts on its own: here it is a large part of the password, the whole email is not.
    expect(passwordProblems('margaretxyz1', { email: 'margaret@example.org' })).toEqual([SIMILAR]);
  });
});

describe('JWT secret', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'jwt-secret-'));

  it('LOOP_JWT_SECRET wins, trimmed, and must be at least 32 characters', () => {
    expect(loadJwtSecret({ env: { LOOP_JWT_SECRET: ` ${'s'.repeat(32)} ` }, dataDir: dir() })).toBe('s'.repeat(32));
    expect(() => loadJwtSecret({ env: { LOOP_JWT_SECRET: 's'.repeat(31) }, dataDir: dir() })).toThrow(
      'LOOP_JWT_SECRET must be at least 32 characters long.',
    );
  });

  it('otherwise one random secret is made and kept, owner-readable only, under <dataDir>/loop/jwt-secret', () => {
    const d = dir();
    expect(jwtSecretPath(d)).toBe(join(d, 'loop', 'jwt-secret'));
    const first = loadJwtSecret({ env: { LOOP_JWT_SECRET: '  ' }, dataDir: d });
    expect(first).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(readFileSync(jwtSecretPath(d), 'utf8')).toBe(first + '\n');
    expect(statSync(jwtSecretPath(d)).mode & 0o777).toBe(0o600);
    expect(loadJwtSecret({ env: {}, dataDir: d })).toBe(first);
    expect(loadJwtSecret({ env: { LOOPGEN_DATA_DIR: d } })).toBe(first);
  });

  it('a stored secret under 32 characters stops the start naming the file (never signs with it); 32 is enough', () => {
    for (const short of ['short', '', 'k'.repeat(31)]) {
      const d = dir();
      mkdirSync(join(d, 'loop'), { recursive: true });
      writeFileSync(jwtSecretPath(d), `${short}\n`);
      expect(() => loadJwtSecret({ env: {}, dataDir: d })).toThrow(`${jwtSecretPath(d)} holds a JWT secret shorter than 32 characters`);
      // Left as it was for the operator to look at.
      expect(readFileSync(jwtSecretPath(d), 'utf8')).toBe(`${short}\n`);
    }
    const e = dir();
    mkdirSync(join(e, 'loop'), { recursive: true });
    writeFileSync(jwtSecretPath(e), `  ${'k'.repeat(32)}  \n`);
    expect(loadJwtSecret({ env: {}, dataDir: e })).toBe('k'.repeat(32));
  });

  it('makes the data dir as deep as needed; a secret path it cannot read is an error, not a reason to make another', () => {
    const deep = join(dir(), 'a', 'b');
    expect(loadJwtSecret({ env: {}, dataDir: deep })).toMatch(/^[A-Za-z0-9_-]{64}$/);
    const d = dir();
    mkdirSync(jwtSecretPath(d), { recursive: true });
    expect(() => loadJwtSecret({ env: {}, dataDir: d })).toThrow(/EISDIR/);
  });

  it('the new secret appears whole (written aside, linked into place): no temporary file is left behind', () => {
    const d = dir();
    const secret = loadJwtSecret({ env: {}, dataDir: d });
    expect(readdirSync(join(d, 'loop'))).toEqual(['jwt-secret']);
    expect(loadJwtSecret({ env: {}, dataDir: d })).toBe(secret);
  });
});

describe('digests and tokens', () => {
  it('sha256Hex and hmacHex are the standard digests of the UTF-8 text', () => {
    expect(sha256Hex('é')).toBe(createHash('sha256').update('é', 'utf8').digest('hex'));
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hmacHex('pepper', 'é')).toBe(createHmac('sha256', 'pepper').update('é', 'utf8').digest('hex'));
    expect(hmacHex('pepper', 'x')).not.toBe(hmacHex('salt', 'x'));
  });

  it('the API-key pepper comes from LOOP_API_KEY_PEPPER (trimmed) or a fixed label', () => {
    expect(apiKeyPepper({ LOOP_API_KEY_PEPPER: ' p3pp3r ' })).toBe('p3pp3r');
    expect(apiKeyPepper({ LOOP_API_KEY_PEPPER: '   ' })).toBe('loopgen:internal-api-key:v1');
    expect(apiKeyPepper({})).toBe('loopgen:internal-api-key:v1');
  });

  it('sameHash compares hex digests, false for different lengths; safeEqual compares any strings', () => {
    const h = sha256Hex('a');
    expect(sameHash(h, h)).toBe(true);
    expect(sameHash(h, sha256Hex('b'))).toBe(false);
    expect(sameHash(h, h.slice(0, 62))).toBe(false);
    expect(sameHash('', '')).toBe(true);
    expect(safeEqual('secret', 'secret')).toBe(true);
    expect(safeEqual('secret', 'secret ')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
  });

  it('random tokens and ids have the documented sizes and alphabets', () => {
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomToken(9)).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(randomToken()).not.toBe(randomToken());
    expect(newId('svc')).toMatch(/^svc_[0-9a-f]{12}$/);
    expect(newId('x', 2)).toMatch(/^x_[0-9a-f]{4}$/);
    expect(newToken('sk_live_')).toMatch(/^sk_live_[A-Za-z0-9_-]{32}$/);
    expect(newToken('t_', 3)).toMatch(/^t_[A-Za-z0-9_-]{4}$/);
    expect(newId('a')).not.toBe(newId('a'));
  });
});

describe('argon2id', () => {
  it('hashes with 19 MiB, 2 passes, 1 lane; a missing or foreign hash never verifies', async () => {
    const h = await hashPassword('tangerine-sky-42');
    expect(h).toMatch(/^\$argon2id\$v=19\$/);
    const params = h.split('$')[3]!.split(',').sort();
    expect(params).toEqual(['m=19456', 'p=1', 't=2']);
    expect(await verifyPassword(h, 'tangerine-sky-42')).toBe(true);
    expect(await verifyPassword(h, 'tangerine-sky-43')).toBe(false);
    expect(await verifyPassword(undefined, 'x')).toBe(false);
    expect(await verifyPassword('', 'x')).toBe(false);
    expect(await verifyPassword('pbkdf2_sha256$1$salt$hash', 'x')).toBe(false);
    expect(await verifyPassword('$argon2id$broken', 'x')).toBe(false);
  });
});
