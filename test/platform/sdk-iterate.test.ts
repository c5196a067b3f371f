/**
 * The generated platform SDK's `iterate` pages through every list shape the platform API document
 * uses: bare arrays (`GET /v1/roles`, paged by limit/offset) and named lists (`GET /v1/users` →
 * `{users, total}`), not only `{results, …}` pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { createClient } from '../../generated/platform/sdk/index.ts';
import { adminKey } from './helpers.ts';

let svc: TestService;
let platform: ReturnType<typeof createClient>;
let requests: string[];

beforeAll(async () => {
  svc = await startTestService('platform');
  const key = await adminKey(svc, 'sdk-iterate-co');
  requests = [];
  platform = createClient({
    baseUrl: svc.url,
    apiKey: key,
    retries: 0,
    fetch: (input, init) => {
      requests.push(String(input));
      return fetch(input, init);
    },
  });
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('SDK iterate over platform lists', () => {
  it('bare array lists: pages by offset until a short page', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `role-${String(i).padStart(2, '0')}`);
    for (const name of names) await platform.roles.roles.create({ name });
    const page = await platform.roles.roles.list({ limit: 3, ordering: 'created_at' });
    expect(Array.isArray(page)).toBe(true);
    requests.length = 0;
    const all = await collect(platform.roles.roles.iterate({ limit: 3, ordering: 'created_at' }));
    expect(all.map((r) => r.name)).toEqual(names);
    // 3 + 3 + 1: the short third page ends it without asking for a fourth.
    expect(requests).toHaveLength(3);
    // Without a limit the server's page size applies and an empty page ends it.
    expect((await collect(platform.roles.roles.iterate({ ordering: 'created_at' }))).map((r) => r.name)).toEqual(names);
  });

  it('named lists ({users, total}): every user once', async () => {
    const emails = Array.from({ length: 5 }, (_, i) => `iter${i}@example.com`);
    for (const email of emails) await platform.users.users.create({ email, password: 'long-enough-pw' });
    const page = (await platform.users.users.list({ limit: 2 })) as unknown as { users: unknown[]; total: number };
    expect(page).toMatchObject({ users: expect.any(Array), total: 5 });
    const all = await collect(platform.users.users.iterate({ limit: 2, ordering: 'created_at' }));
    expect(all.map((u) => u.email)).toEqual(emails);
  });
});

describe('SDK delete answers', () => {
  it('delete() resolves to what the document says the service answered: {id, deleted: true}', async () => {
    const role = await platform.roles.roles.create({ name: 'to-delete' });
    const answer = await platform.roles.roles.delete(role.id);
    // Typed, not only at run time: `answer.deleted` is the literal true and `answer.id` a string.
    const deleted: true = answer.deleted;
    const id: string = answer.id;
    expect({ id, deleted }).toEqual({ id: role.id, deleted: true });
  });
});
