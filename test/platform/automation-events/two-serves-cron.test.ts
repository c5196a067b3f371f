/**
 * A `* * * * *` job with two `loopgen serve --service platform` processes on one PostgreSQL database
 * (PostgreSQL only: the embedded database is one process): both schedulers tick every 250 ms on the
 * real clock, and the job runs exactly once in its minute. The wait is the real one — up to a minute
 * until the next occurrence, as cron-parser computed it at create time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../helpers/test-service.ts';
import { serveProcess, type Serving } from '../../serve/serve-process.ts';
import { createPlatformKey } from '../../../runtime/platform/index.ts';

const url = process.env.DATABASE_URL;
let a: Serving;
let b: Serving;
let drop: () => Promise<void>;
let dataDir: string;
let key: string;

function caller(base: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/v1/${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

describe.runIf(url)('two serve processes, one scheduled job', () => {
  beforeAll(async () => {
    const t = await openTestDatabase('platform');
    const u = new URL(url!);
    u.pathname = `/${(t.db.client as { config: { connection: { database: string } } }).config.connection.database}`;
    drop = t.drop;
    key = (await createPlatformKey(t.db, { tenant: 'cron-xp' })).key;
    dataDir = await mkdtemp(join(tmpdir(), 'loopgen-cron-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: u.toString(), LOG_LEVEL: 'warn', PLATFORM_SCHEDULER_INTERVAL_MS: '250' };
    delete env.PORT;
    const args = ['--service', 'platform', '--port', '0', '--data-dir', dataDir];
    [a, b] = await Promise.all([serveProcess(args, env), serveProcess(args, env)]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await drop?.();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('runs within its minute, once', async () => {
    const onA = caller(a.url);
    const onB = caller(b.url);
    const type = (await onA('POST', 'object-types', { name: 'beats' })).body.data.id;
    await onA('POST', `object-types/${type}/properties`, { name: 'note', data_type: 'string' });
    const job = (
      await onB('POST', 'scheduled-jobs', {
        name: 'every minute',
        cron_expression: '* * * * *',
        enabled: true,
        action_type: 'create_object',
        action_config: { object_type: 'beats', properties: { note: '{{scheduled_for}}' } },
      })
    ).body.data;
    const due = new Date(job.next_run_at);
    const runs = async () => (await onA('GET', `scheduled-jobs/${job.id}/runs`)).body.data.runs as any[];
    // Wait for the minute, then a few more ticks of both processes.
    const end = due.getTime() + 30_000;
    while (Date.now() < end && (await runs()).length === 0) await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, 3000));
    const seen = await runs();
    expect(seen.map((r) => [r.trigger, r.status, r.scheduled_for])).toEqual([['schedule', 'succeeded', due.toISOString()]]);
    // Its action's object exists, read through the other process.
    const made = (await onB('GET', `objects/${type}/${seen[0].steps[0].result.id}`)).body.data;
    expect(made.properties.note).toBe(due.toISOString());
    await onA('PATCH', `scheduled-jobs/${job.id}`, { enabled: false });
  }, 150_000);
});
