/**
 * Scheduled jobs (runtime/platform/scheduled-jobs/): cron expressions checked by cron-parser (400 with
 * the reason), and the ticker — with an injected clock, the cron library deciding due-ness — running a
 * `* * * * *` job exactly once within its minute while two schedulers tick on the same database at
 * the same instant (on PostgreSQL two connection pools, i.e. two processes' worth of connections),
 * a one-time job once at its time, and `stop()` waiting for the tick in progress.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import knex, { type Knex } from 'knex';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { adminKey, client } from '../helpers.ts';
import { startScheduler } from '../../../runtime/platform/scheduled-jobs/scheduler.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
/** A second handle on the same database: its own pool on PostgreSQL; PGlite has one connection, shared. */
let second: Knex;

beforeAll(async () => {
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'cron-co'));
  const t = (await call('POST', 'object-types', { name: 'pings' })).body.data.id;
  await call('POST', `object-types/${t}/properties`, { name: 'note', data_type: 'string' });
  second = process.env.DATABASE_URL ? knex(svc.db.client.config) : svc.db;
}, 90_000);
afterAll(async () => {
  if (second && second !== svc.db) await second.destroy();
  await svc?.close();
});

const runsOf = async (job: string) => (await call('GET', `scheduled-jobs/${job}/runs`)).body.data.runs as any[];
const ping = (note: string) => ({ action_type: 'create_object', action_config: { object_type: 'pings', properties: { note } } });

it('a bad cron expression is 400 naming the reason; so is a job with both a cron and a run_at', async () => {
  const bad = await call('POST', 'scheduled-jobs', { name: 'x', cron_expression: 'not a cron', ...ping('x') });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
  expect(bad.body.error.fields.cron_expression[0]).toMatch(/fields/);
  const range = await call('POST', 'scheduled-jobs', { name: 'x', cron_expression: '61 * * * *', ...ping('x') });
  expect(range.body.error.fields.cron_expression[0]).toContain('61');
  const often = await call('POST', 'scheduled-jobs', { name: 'x', cron_expression: '*/10 * * * * *', ...ping('x') });
  expect(often.body.error.fields.cron_expression[0]).toContain('once a minute');
  const both = await call('POST', 'scheduled-jobs', {
    name: 'x',
    cron_expression: '0 * * * *',
    run_at: '2030-01-01T00:00:00Z',
    ...ping('x'),
  });
  expect(both.body.error.fields).toHaveProperty('run_at');
  const step = await call('POST', 'scheduled-jobs', { name: 'x', cron_expression: '0 * * * *', action_type: 'run_shell' });
  expect(step.body.error.fields).toHaveProperty('action_type');

  const ok = await call('POST', 'scheduled-jobs', { name: 'hourly', cron_expression: '0 * * * *', ...ping('h') });
  expect(ok.status).toBe(201);
  expect(new Date(ok.body.data.next_run_at).getUTCMinutes()).toBe(0);
  const patched = await call('PATCH', `scheduled-jobs/${ok.body.data.id}`, { cron_expression: '5 4 * * *' });
  expect(patched.status).toBe(200);
  expect(new Date(patched.body.data.next_run_at).getUTCHours()).toBe(4);
  expect((await call('PATCH', `scheduled-jobs/${ok.body.data.id}`, { cron_expression: 'every day' })).status).toBe(400);
  expect((await call('PATCH', `scheduled-jobs/${ok.body.data.id}`, { enabled: false })).body.data.next_run_at).toBeNull();
});

it('a * * * * * job runs once within its minute with two schedulers ticking together', async () => {
  const job = (await call('POST', 'scheduled-jobs', { name: 'minutely', cron_expression: '* * * * *', enabled: true, ...ping('tick') }))
    .body.data;
  const due = new Date(job.next_run_at);
  expect(due.getUTCSeconds()).toBe(0);
  expect(due.getTime() - Date.now()).toBeLessThanOrEqual(60_000);
  const a = startScheduler(svc.db, { intervalMs: 0 });
  const b = startScheduler(second, { intervalMs: 0 });
  try {
    // Before its time: nothing.
    await Promise.all([a.tick(new Date(due.getTime() - 1000)), b.tick(new Date(due.getTime() - 1000))]);
    expect(await runsOf(job.id)).toHaveLength(0);
    // Within its minute, both at once, and again: one run.
    const inMinute = new Date(due.getTime() + 20_000);
    await Promise.all([a.tick(inMinute), b.tick(inMinute), a.tick(inMinute), b.tick(inMinute)]);
    await Promise.all([a.tick(new Date(due.getTime() + 59_000)), b.tick(new Date(due.getTime() + 59_000))]);
    let runs = await runsOf(job.id);
    expect(runs.map((r) => [r.trigger, r.status, r.scheduled_for])).toEqual([['schedule', 'succeeded', due.toISOString()]]);
    const after = (await call('GET', `scheduled-jobs/${job.id}`)).body.data;
    expect(after.next_run_at).toBe(new Date(due.getTime() + 60_000).toISOString());
    expect(after.last_run_at).toBe(inMinute.toISOString());
    // The next minute runs once more.
    const next = new Date(due.getTime() + 61_000);
    await Promise.all([a.tick(next), b.tick(next)]);
    runs = await runsOf(job.id);
    expect(runs).toHaveLength(2);
    const pings = await svc.db('pf_objects').whereRaw("properties->>'note' = 'tick'");
    expect(pings).toHaveLength(2);
    // Its writes append their events like any other write.
    const created = await svc.db('pf_domain_events').where({ type: 'object.created' }).select('data');
    expect(created.filter((e) => pings.some((p) => p.id === e.data.id))).toHaveLength(2);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await call('PATCH', `scheduled-jobs/${job.id}`, { enabled: false });
  }
});

it('a one-time job runs once at its time; stop() waits for the running tick', async () => {
  const at = new Date(Date.now() + 3600_000);
  const job = (await call('POST', 'scheduled-jobs', { name: 'once', run_at: at.toISOString(), ...ping('once') })).body.data;
  expect(job.next_run_at).toBe(at.toISOString());
  const a = startScheduler(svc.db, { intervalMs: 0 });
  const b = startScheduler(second, { intervalMs: 0 });
  await Promise.all([a.tick(new Date(at.getTime() - 1)), b.tick(new Date(at.getTime() - 1))]);
  expect(await runsOf(job.id)).toHaveLength(0);
  await Promise.all([a.tick(new Date(at.getTime() + 1000)), b.tick(new Date(at.getTime() + 1000))]);
  await Promise.all([a.tick(new Date(at.getTime() + 86_400_000)), b.tick(new Date(at.getTime() + 86_400_000))]);
  expect((await runsOf(job.id)).map((r) => r.status)).toEqual(['succeeded']);
  expect((await call('GET', `scheduled-jobs/${job.id}`)).body.data.next_run_at).toBeNull();
  await Promise.all([a.stop(), b.stop()]);

  // The timer loop: started with a clock past the due time, it runs the job; stop() returns after the tick.
  const later = new Date(Date.now() + 7200_000);
  const timed = (await call('POST', 'scheduled-jobs', { name: 'timed', run_at: later.toISOString(), ...ping('timed') })).body.data;
  const loop = startScheduler(svc.db, { intervalMs: 20, now: () => new Date(later.getTime() + 1) });
  for (let i = 0; i < 200 && !(await runsOf(timed.id)).length; i++) await new Promise((r) => setTimeout(r, 25));
  await loop.stop();
  expect(await runsOf(timed.id)).toHaveLength(1);
});
