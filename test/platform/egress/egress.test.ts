/**
 * The egress policy (runtime/effects/egress) against real local servers: 169.254.169.254 is refused
 * always; 127.0.0.1 is reached by default and refused under LOOP_EGRESS_PRIVATE=deny, and so is
 * `localhost` — a name whose address is only known once resolved, which proves the check is made on
 * the address connected to. A redirect to the metadata address is refused too. Through the platform:
 * a refused literal URL is a 400 naming the field where it is saved (webhooks, automations, scheduled
 * jobs, integrations); a name refused at send time is a delivery/run failure that is not retried.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { egressFetch, egressRefusal } from '../../../runtime/effects/egress/egress-fetch.ts';
import { addressRefusal } from '../../../runtime/effects/egress/address-policy.ts';
import { urlRefusal } from '../../../runtime/effects/egress/url-policy.ts';
import { httpStep } from '../../../runtime/platform/automation/http-step.ts';
import { StepError } from '../../../runtime/platform/automation/step-error.ts';
import { registerWebhook } from '../../../runtime/roomloop/webhooks/register-webhook.ts';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { adminKey, client } from '../helpers.ts';

let server: Server;
let port: number;
let hits = 0;
const saved = process.env.LOOP_EGRESS_PRIVATE;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    if (req.url === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      return void res.end();
    }
    res.setHeader('content-type', 'application/json');
    res.end('[]');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
});
afterEach(() => {
  if (saved === undefined) delete process.env.LOOP_EGRESS_PRIVATE;
  else process.env.LOOP_EGRESS_PRIVATE = saved;
});

const refusal = async (url: string) => {
  try {
    const res = await egressFetch(url, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return `reached ${res.status}`;
  } catch (e) {
    return egressRefusal(e)?.message ?? `error ${(e as Error).message}`;
  }
};

describe('egressFetch', () => {
  it('refuses the metadata address always, directly and through a redirect', async () => {
    delete process.env.LOOP_EGRESS_PRIVATE;
    expect(await refusal('http://169.254.169.254/latest/meta-data/')).toMatch(/169\.254\.169\.254 is a cloud metadata address/);
    expect(await refusal('http://[::ffff:169.254.169.254]/')).toMatch(/metadata address/);
    expect(await refusal('http://2852039166/')).toMatch(/metadata address/);
    const before = hits;
    expect(await refusal(`http://127.0.0.1:${port}/to-metadata`)).toMatch(/169\.254\.169\.254 is a cloud metadata address/);
    expect(hits).toBe(before + 1);
  });

  it('reaches 127.0.0.1 and localhost by default', async () => {
    delete process.env.LOOP_EGRESS_PRIVATE;
    expect(await refusal(`http://127.0.0.1:${port}/`)).toBe('reached 200');
    expect(await refusal(`http://localhost:${port}/`)).toBe('reached 200');
  });

  it('refuses 127.0.0.1 and a name resolving to it under LOOP_EGRESS_PRIVATE=deny, without a request', async () => {
    process.env.LOOP_EGRESS_PRIVATE = 'deny';
    const before = hits;
    expect(await refusal(`http://127.0.0.1:${port}/`)).toMatch(
      /127\.0\.0\.1 is a loopback address, refused because LOOP_EGRESS_PRIVATE=deny/,
    );
    // `localhost` passes the URL check of egressFetch: only the lookup at connect time can refuse it.
    expect(await refusal(`http://localhost:${port}/`)).toMatch(/^localhost resolves to .* loopback address/);
    expect(hits).toBe(before);
  });

  it('classifies ranges', () => {
    expect(addressRefusal('10.1.2.3', 'allow')).toBeNull();
    for (const a of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '100.64.0.1', '::1', 'fd12::1'])
      expect(addressRefusal(a, 'deny'), a).toMatch(/refused because LOOP_EGRESS_PRIVATE=deny/);
    for (const a of ['169.254.1.1', 'fe80::1', '0.0.0.0', '::', '224.0.0.1', 'ff02::1', 'fd00:ec2::254', '64:ff9b::a9fe:a9fe'])
      expect(addressRefusal(a, 'allow'), a).not.toBeNull();
    expect(addressRefusal('93.184.215.14', 'deny')).toBeNull();
    expect(urlRefusal('http://metadata.google.internal/computeMetadata/v1/', 'allow')).toMatch(/metadata host/);
    expect(urlRefusal('http://localhost:8080/', 'deny')).toMatch(/LOOP_EGRESS_PRIVATE=deny/);
    expect(urlRefusal('http://localhost:8080/', 'allow')).toBeNull();
    expect(urlRefusal('ftp://example.com/', 'allow')).toMatch(/http\(s\)/);
  });
});

it('RoomLoop refuses a metadata webhook URL at registration (400 naming url, before any write)', async () => {
  delete process.env.LOOP_EGRESS_PRIVATE;
  // The refusal comes before the database is touched: no connection is needed to see it.
  await expect(registerWebhook(null as never, { url: 'http://169.254.169.254/latest/' })).rejects.toMatchObject({
    status: 400,
    fields: { url: [expect.stringMatching(/metadata address/)] },
  });
});

describe('through the platform', () => {
  let svc: TestService;
  let call: ReturnType<typeof client>;
  beforeAll(async () => {
    svc = await startTestService('platform');
    call = client(svc, await adminKey(svc, 'egress-co'));
  }, 90_000);
  afterAll(async () => {
    await svc?.close();
  });

  it('a refused literal address is a 400 naming the field where the URL is saved', async () => {
    delete process.env.LOOP_EGRESS_PRIVATE;
    const meta = 'http://169.254.169.254/latest/meta-data/';
    const hook = await call('POST', 'webhooks', { url: meta, events: ['*'] });
    expect(hook.status).toBe(400);
    expect(JSON.stringify(hook.body)).toMatch(/"url"/);
    expect(Number((await svc.db('pf_webhooks').where({ url: meta }).count('* as n').first())!.n)).toBe(0);

    const ok = await call('POST', 'webhooks', { url: `http://127.0.0.1:${port}/hook`, events: ['*'] });
    expect(ok.status).toBe(201);
    const patched = await call('PATCH', `webhooks/${ok.body.data.id}`, { url: 'http://[fe80::1]/' });
    expect(patched.status).toBe(400);
    expect(JSON.stringify(patched.body)).toMatch(/link.?local/i);
    expect((await call('PATCH', `webhooks/${ok.body.data.id}`, { url: `http://127.0.0.1:${port}/other` })).status).toBe(200);

    const auto = await call('POST', 'automations', {
      name: 'steal',
      trigger_event: 'object.created',
      actions: [
        { type: 'emit_event', event: 'a.b' },
        { type: 'http_request', url: meta },
      ],
    });
    expect(auto.status).toBe(400);
    expect(JSON.stringify(auto.body)).toMatch(/actions\.1\.url/);
    const templated = await call('POST', 'automations', {
      name: 'templated',
      trigger_event: 'object.created',
      actions: [{ type: 'http_request', url: '{{data.url}}' }],
    });
    expect(templated.status).toBe(201);
    expect((await call('PATCH', `automations/${templated.body.data.id}`, { actions: [{ type: 'webhook', url: meta }] })).status).toBe(400);

    const job = await call('POST', 'scheduled-jobs', {
      name: 'j',
      cron_expression: '0 * * * *',
      action_type: 'http_request',
      action_config: { url: meta },
    });
    expect(job.status).toBe(400);
    expect(JSON.stringify(job.body)).toMatch(/action_config\.url/);

    const integ = await call('POST', 'integrations', { provider: 'http_json', name: 'x', config_json: { url: meta, object_type: 't' } });
    expect(integ.status).toBe(400);
    expect(JSON.stringify(integ.body)).toMatch(/config_json\.url/);
  });

  it('under deny, loopback is refused when saved and, for a name, when sent: the delivery fails for good', async () => {
    delete process.env.LOOP_EGRESS_PRIVATE;
    const hook = (await call('POST', 'webhooks', { url: `http://localhost:${port}/hook`, events: ['*'] })).body.data;
    process.env.LOOP_EGRESS_PRIVATE = 'deny';
    expect((await call('POST', 'webhooks', { url: `http://127.0.0.1:${port}/hook` })).status).toBe(400);
    expect((await call('POST', 'webhooks', { url: `http://localhost:${port}/hook` })).status).toBe(400);
    const before = hits;
    const sent = await call('POST', `webhooks/${hook.id}/test`);
    expect(sent.body.data).toMatchObject({ success: false, status_code: null });
    expect(sent.body.data.error).toMatch(/refused: localhost resolves to .*loopback/);
    expect(hits).toBe(before);
    const row = await svc.db('pf_webhook_deliveries').where({ id: sent.body.data.delivery_id }).first();
    expect(row).toMatchObject({ status: 'failed', next_attempt_at: null });
  });

  it('under deny, an automation step to a name resolving to loopback fails its run, not retryably', async () => {
    delete process.env.LOOP_EGRESS_PRIVATE;
    const auto = (
      await call('POST', 'automations', {
        name: 'ping',
        trigger_event: 'object.created',
        actions: [{ type: 'http_request', method: 'GET', url: `http://localhost:${port}/ping` }],
      })
    ).body.data;
    expect((await call('POST', `automations/${auto.id}/trigger`, { data: {} })).body.data.status).toBe('succeeded');
    process.env.LOOP_EGRESS_PRIVATE = 'deny';
    const before = hits;
    const run = (await call('POST', `automations/${auto.id}/trigger`, { data: {} })).body.data;
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/refused: localhost resolves to .*loopback/);
    expect(hits).toBe(before);
    // The step's error says a retry cannot help, so the job engine does not retry the run.
    const err = await httpStep({ url: `http://localhost:${port}/ping`, method: 'GET' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).retryable).toBe(false);
  });
});
