/**
 * Public form submit is rate-limited per form and client IP (runtime/platform/forms/submit-rate-limit.ts):
 * PLATFORM_FORM_SUBMITS_PER_MINUTE submissions pass, the next is 429 RATE_LIMITED with Retry-After (header
 * and body) and writes nothing; another form from the same IP is still open.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { adminKey, client } from '../helpers.ts';
import { DEFAULT_SUBMITS_PER_MINUTE } from '../../../runtime/platform/forms/submit-rate-limit.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
const forms: string[] = [];

const submit = async (id: string, body: unknown) => {
  const res = await fetch(`${svc.api}forms/${id}/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
};

beforeAll(async () => {
  delete process.env.PLATFORM_FORM_SUBMITS_PER_MINUTE;
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'form-limit-co'));
  for (const name of ['One', 'Two'])
    forms.push(
      (await call('POST', 'forms', { name, status: 'active', fields: [{ name: 'email', type: 'email', required: true }] })).body.data.id,
    );
}, 90_000);
afterAll(async () => {
  await svc?.close();
});

it(`takes ${DEFAULT_SUBMITS_PER_MINUTE} submissions a minute per form and IP, then answers 429 with Retry-After`, async () => {
  const [one, two] = forms as [string, string];
  for (let i = 0; i < DEFAULT_SUBMITS_PER_MINUTE; i++) expect((await submit(one, { email: `a${i}@example.com` })).status).toBe(201);
  const refused = await submit(one, { email: 'over@example.com' });
  expect(refused.status).toBe(429);
  expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', retry_after: Number(refused.retryAfter) });
  const stored = await svc.db('pf_records').where({ kind: 'form_submissions', parent_id: one }).count({ n: '*' }).first();
  expect(Number(stored!.n)).toBe(DEFAULT_SUBMITS_PER_MINUTE);
  // Another form from the same address has its own count.
  expect((await submit(two, { email: 'b@example.com' })).status).toBe(201);
});
