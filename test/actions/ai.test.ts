/**
 * The assistant actions through the generated server, offline and against a local fake
 * OpenAI-compatible server (node:http — a test double of the external service): answers, token
 * counts in ai/usage-logs, reports computed from the tenant's rows, 429/503 with a logged failure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { signUp, type LoopClient } from './loop-client.ts';

let svc: TestService;
let fake: Server;
let fakeUrl: string;
const seen: { auth: string | undefined; body: any }[] = [];
let mode: 'ok' | 'rate' | 'down' = 'ok';

beforeAll(async () => {
  fake = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}');
      seen.push({ auth: req.headers.authorization, body });
      if (req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
      if (mode === 'rate') return void res.writeHead(429, { 'retry-after': '7' }).end('{}');
      if (mode === 'down') return void res.writeHead(500).end('boom');
      const content = body.response_format
        ? JSON.stringify({ advice: 'Raise prices 5%.', actions: [{ title: 'Reprice', detail: 'Top sellers', priority: 'high' }] })
        : `MODEL: ${body.messages.at(-1).content.slice(0, 40)}`;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          model: body.model,
          choices: [{ message: { role: 'assistant', content } }],
          usage: { prompt_tokens: 42, completion_tokens: 7 },
        }),
      );
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
  svc = await startTestService('loop');
}, 120_000);

afterAll(async () => {
  await svc?.close();
  await new Promise((r) => fake?.close(r));
  for (const k of ['LOOP_AI_BASE_URL', 'LOOP_AI_API_KEY', 'LOOP_AI_MODEL']) delete process.env[k];
});

const logs = (c: LoopClient) => svc.db('ai_usage_logs').where({ company_id: c.companyId }).orderBy('id');

function useModel(on: boolean) {
  if (on) Object.assign(process.env, { LOOP_AI_BASE_URL: fakeUrl, LOOP_AI_API_KEY: 'sk-test', LOOP_AI_MODEL: 'fake-gpt' });
  else for (const k of ['LOOP_AI_BASE_URL', 'LOOP_AI_API_KEY', 'LOOP_AI_MODEL']) delete process.env[k];
}

const TEXT =
  'The bakery sold 420 loaves in March. Sales of sourdough doubled after the new oven arrived. ' +
  'Staff costs stayed flat. Customers asked for gluten-free bread several times. The oven improved sourdough quality and sales.';

describe('offline provider', () => {
  beforeAll(() => useModel(false));

  it('summarises extractively, within the word budget, and logs the call with token counts', async () => {
    const c = await signUp(svc, 'sum');
    const r = await c.post('ai/summarize/', { text: TEXT, max_words: 20 });
    expect(r.status).toBe(200);
    expect(r.body.word_count).toBeLessThanOrEqual(20);
    // Extractive: every sentence of the summary is a sentence of the input.
    for (const s of r.body.summary.split(/(?<=\.)\s+/)) expect(TEXT).toContain(s);
    const [log] = await logs(c);
    expect(log).toMatchObject({ feature: 'summarize', provider: 'local', status: 'succeeded', model: 'loop-offline-extractive-1' });
    expect(log.prompt_tokens).toBeGreaterThan(0);
    expect(log.completion_tokens).toBeGreaterThan(0);
  });

  it("reports from the tenant's real rows and saves an insight", async () => {
    const c = await signUp(svc, 'rep');
    await c.post('docs/templates/', { name: 'A', kind: 'invoice', body: 'x' });
    await c.post('docs/templates/', { name: 'B', kind: 'letter', body: 'x' });
    await c.post('docs/documents/', { title: 'D1', status: 'final' });
    const r = await c.post('ai/generate-report/', { module: 'docs' });
    expect(r.status).toBe(200);
    const templates = r.body.data.resources.find((x: any) => x.resource === 'docs.templates');
    expect(templates).toMatchObject({ total: 2, created: 2 });
    expect(r.body.data.resources.find((x: any) => x.resource === 'docs.documents')).toMatchObject({ total: 1, by_status: { final: 1 } });
    expect(r.body.content).toContain('offline report');
    const insight = await svc.db('ai_insights').where({ id: r.body.insight, company_id: c.companyId }).first();
    expect(insight).toMatchObject({ kind: 'trend', source_module: 'docs' });
    expect(Number(insight.usage_log_id)).toBe(Number((await logs(c))[0].id));
    expect((await c.post('ai/generate-report/', { module: 'nope' })).status).toBe(400);
  });

  it('chat, advice and document drafts say they are offline', async () => {
    const c = await signUp(svc, 'off');
    const chat = await c.post('ai/chat/', { message: 'How are my templates doing?', module: 'docs' });
    expect(chat.status).toBe(200);
    expect(chat.body.reply).toContain('offline assistant');
    expect(chat.body.conversation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(chat.body.usage.prompt_tokens).toBeGreaterThan(0);
    const adv = await c.post('ai/business-advice/', { question: 'How do I get paid faster?', focus: 'finance' });
    expect(adv.body.advice).toContain('offline assistant');
    expect(adv.body.actions.length).toBeGreaterThan(0);
    const doc = await c.post('ai/document/', {
      kind: 'letter',
      title: 'Price change',
      instructions: 'Tell customers prices rise in May.',
      data: { percent: 5 },
      format: 'html',
    });
    expect(doc.body.content).toContain('<h1>Price change</h1>');
    expect(doc.body.content).toContain('percent');
    expect((await logs(c)).map((l) => l.feature)).toEqual(['chat', 'business_advice', 'document']);
  });
});

describe('OpenAI-compatible provider (local fake server)', () => {
  beforeAll(() => useModel(true));
  afterAll(() => useModel(false));

  it("sends the prompt with the key and model, and logs the provider's token counts", async () => {
    mode = 'ok';
    const c = await signUp(svc, 'oa');
    const r = await c.post('ai/summarize/', { text: TEXT, max_words: 30 });
    expect(r.status).toBe(200);
    expect(r.body.summary).toMatch(/^MODEL: /);
    const last = seen.at(-1)!;
    expect(last.auth).toBe('Bearer sk-test');
    expect(last.body.model).toBe('fake-gpt');
    expect(last.body.messages[0].role).toBe('system');
    const [log] = await logs(c);
    expect(log).toMatchObject({ provider: 'openai', model: 'fake-gpt', prompt_tokens: 42, completion_tokens: 7, status: 'succeeded' });

    const adv = await c.post('ai/business-advice/', { question: 'Pricing?', focus: 'sales' });
    expect(adv.body).toEqual({ advice: 'Raise prices 5%.', actions: [{ title: 'Reprice', detail: 'Top sellers', priority: 'high' }] });
  });

  it('answers 429 / 503 and still logs the failed call', async () => {
    const c = await signUp(svc, 'oafail');
    mode = 'rate';
    const limited = await c.post('ai/chat/', { message: 'hello' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    mode = 'down';
    const down = await c.post('ai/summarize/', { text: TEXT });
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('ai_unavailable');
    mode = 'ok';
    expect((await logs(c)).map((l) => [l.feature, l.status, l.prompt_tokens])).toEqual([
      ['chat', 'rate_limited', 0],
      ['summarize', 'failed', 0],
    ]);
  });
});
