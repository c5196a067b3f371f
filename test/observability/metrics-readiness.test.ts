/**
 * Metrics and readiness on a running RoomLoop service: Prometheus names and labels (route templates,
 * never raw paths or ids), the DB pool and outbox gauges read at scrape time, rules-engine refusals by
 * rule and code, `/metrics` behind METRICS_TOKEN, and `/ready` going unready while a migration this
 * build ships is not applied (and while the service drains).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleViolation } from '../../runtime/http/api-error.ts';
import { noteRefusal, registry } from '../../runtime/observability/metrics.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';
let svc: TestService;

beforeAll(async () => {
  process.env.METRICS_TOKEN = TOKEN;
  svc = await startTestService('roomloop');
}, 120_000);

afterAll(async () => {
  delete process.env.METRICS_TOKEN;
  await svc?.close();
});

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

async function metrics(): Promise<Sample[]> {
  const res = await fetch(`${svc.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return parse(await res.text());
}

describe('/metrics', () => {
  it('needs the bearer token on the service port', async () => {
    expect((await fetch(`${svc.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${svc.url}/metrics`, { headers: { Authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
  });

  it('counts requests by route template and status, with no raw path or id in any label', async () => {
    const ids = ['fac_9f8e7d6c5b4a', 'res_1a2b3c4d5e6f', '424242'];
    await fetch(`${svc.api}facilities/${ids[0]}`);
    await fetch(`${svc.api}reservations/${ids[1]}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    await fetch(`${svc.api}reservations/${ids[1]}`); // no GET on an item: 405, no route matched
    await fetch(`${svc.url}/no/such/path/${ids[2]}`);
    await fetch(`${svc.url}/health`);
    const samples = await metrics();
    const requests = samples.filter((s) => s.name === 'loopgen_http_requests_total' && s.labels.service === 'roomloop');
    const routes = new Set(requests.map((s) => s.labels.route));
    expect(routes).toContain('/v1/facilities/:id');
    expect(routes).toContain('/v1/reservations/:id');
    expect(requests.find((s) => s.labels.status === '405')?.labels.route).toBe('unmatched');
    expect(routes).toContain('unmatched');
    expect(routes).toContain('/health');
    for (const s of requests) {
      expect(Object.keys(s.labels).sort()).toEqual(['method', 'route', 'service', 'status']);
      expect(s.labels.status).toMatch(/^\d{3}$/);
    }
    const buckets = samples.filter(
      (s) => s.name === 'loopgen_http_request_duration_seconds_bucket' && s.labels.route === '/v1/facilities/:id',
    );
    expect(buckets.length).toBeGreaterThan(5);
    for (const s of samples) for (const v of Object.values(s.labels)) for (const id of ids) expect(v).not.toContain(id);
  });

  it('reads the DB pool and the outbox queue at scrape time', async () => {
    await svc
      .db('rl_webhooks')
      .insert({ id: 'wh_metrics', url: 'http://127.0.0.1:9/hook', events: JSON.stringify(['*']), secret: 'x', active: false });
    const old = new Date(Date.now() - 120_000);
    await svc.db('rl_webhook_deliveries').insert([
      {
        id: 'whd_m1',
        webhook_id: 'wh_metrics',
        event_id: 'e1',
        event_type: 'reservation.created',
        payload: '{}',
        status: 'pending',
        next_attempt_at: old,
        created_at: old,
      },
      {
        id: 'whd_m2',
        webhook_id: 'wh_metrics',
        event_id: 'e2',
        event_type: 'reservation.created',
        payload: '{}',
        status: 'failed',
        next_attempt_at: old,
      },
    ]);
    await new Promise((r) => setTimeout(r, 1100)); // past the one-second sharing of queue reads
    const samples = await metrics();
    const jobs = samples.filter((s) => s.name === 'loopgen_queue_jobs' && s.labels.service === 'roomloop');
    expect(jobs.find((s) => s.labels.status === 'pending')).toMatchObject({ labels: { queue: 'webhook_deliveries' }, value: 1 });
    expect(jobs.find((s) => s.labels.status === 'failed')?.value).toBe(1);
    const age = samples.find((s) => s.name === 'loopgen_queue_oldest_pending_age_seconds' && s.labels.service === 'roomloop');
    expect(age?.value).toBeGreaterThanOrEqual(100);
    const pool = samples.filter((s) => s.name === 'loopgen_db_pool_connections' && s.labels.service === 'roomloop');
    expect(pool.map((s) => s.labels.state).sort()).toEqual(['free', 'pending', 'used']);
    expect(samples.some((s) => s.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(samples.some((s) => s.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('counts rules-engine refusals by rule and code', async () => {
    noteRefusal('roomloop', ruleViolation('R-05', 'Too far ahead.'));
    const text = await registry.getSingleMetricAsString('loopgen_rule_refusals_total');
    expect(text).toContain('loopgen_rule_refusals_total{service="roomloop",rule="R-05",code="rule_violation"} 1');
  });
});

describe('/ready', () => {
  it('is ready with the database up, migrations applied and workers as configured', async () => {
    const res = await fetch(`${svc.url}/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ready',
      service: 'roomloop',
      checks: { database: 'ok', migrations: 'ok', workers: 'off' },
    });
  });

  it('goes unready while a migration is pending, and ready again once it is applied', async () => {
    const last = (await svc.db('knex_migrations').orderBy('id', 'desc').first()) as Record<string, unknown>;
    await svc.db('knex_migrations').where({ id: last.id }).delete();
    try {
      const res = await fetch(`${svc.url}/ready`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; checks: { migrations: string } };
      expect(body.status).toBe('not_ready');
      expect(body.checks.migrations).toContain(`1 pending: ${String(last.name)}`);
      expect((await fetch(`${svc.url}/health`)).status).toBe(200);
    } finally {
      await svc.db('knex_migrations').insert(last);
    }
    expect((await fetch(`${svc.url}/ready`)).status).toBe(200);
  });
});
