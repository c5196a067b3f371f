/**
 * Idempotency-Key on the one-time internal API key answer (`Cache-Control: no-store`), through the
 * LOOP server: the plaintext key is never stored in idempotency_keys, and a retry with the same key
 * answers 409 `idempotency_not_replayable` instead of replaying the key or minting a second one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSuperuser } from '../../runtime/loop/auth/create-superuser.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

let svc: TestService;
let auth: Record<string, string>;
let userId: number;
const ROOT = { email: 'idem-root@example.com', password: 'Sup3r-user-passw0rd!' };

async function call(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${svc.api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

/** The stored answer is written when the first response finishes; wait for it before retrying. */
async function settled(key: string) {
  for (let i = 0; i < 200; i++) {
    const row = await svc.db('idempotency_keys').where({ key }).first();
    if (!row || row.status !== null) return row;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`idempotency row ${key} never settled`);
}

beforeAll(async () => {
  svc = await startTestService('loop');
  const root = await createSuperuser(svc.db, ROOT);
  userId = root.id;
  auth = {};
  const login = await call('auth/login/', ROOT);
  expect(login.status).toBe(200);
  auth = { Authorization: `Bearer ${login.body.access}` };
}, 120_000);
afterAll(async () => {
  await svc?.close();
});

describe('Idempotency-Key and one-time secrets', () => {
  it('a retry of a key-creating POST is 409 idempotency_not_replayable; the key is neither replayed nor stored', async () => {
    const body = { label: 'CI key', user: userId };
    const first = await call('internal-api-keys/', body, { 'Idempotency-Key': 'mint-1' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const plaintext = String(first.body.key);
    expect(plaintext).toMatch(/^loop_/);

    const row = await settled('mint-1');
    expect(row.status).toBe(201);
    expect(JSON.stringify(row.response)).not.toContain(plaintext);
    expect(JSON.stringify(row.response)).not.toContain(plaintext.slice(0, 12));

    const retry = await call('internal-api-keys/', body, { 'Idempotency-Key': 'mint-1' });
    expect(retry.status).toBe(409);
    expect(retry.body.code).toBe('idempotency_not_replayable');
    expect(JSON.stringify(retry.body)).not.toContain(plaintext);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    // The operation ran once: one key with that label.
    const n = Number((await svc.db('internal_api_keys').where({ label: 'CI key' }).count({ n: '*' }).first())!.n);
    expect(n).toBe(1);

    // A new key is a new operation.
    const other = await call('internal-api-keys/', body, { 'Idempotency-Key': 'mint-2' });
    expect(other.status).toBe(201);
    expect(other.body.key).not.toBe(plaintext);
  });

  it('a failed key-creating POST carries no secret, so it is stored and replayed as usual', async () => {
    const bad = { label: 'Bad key', user: 999_999 };
    const first = await call('internal-api-keys/', bad, { 'Idempotency-Key': 'mint-bad' });
    expect(first.status).toBe(400);
    await settled('mint-bad');
    const again = await call('internal-api-keys/', bad, { 'Idempotency-Key': 'mint-bad' });
    expect(again.status).toBe(400);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });
});
