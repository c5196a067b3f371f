/** AI endpoints with the offline provider (no LOOP_AI_BASE_URL): labelled answers, embeddings, search, usage. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
let typeId: string;
const ids: string[] = [];
const saved = process.env.LOOP_AI_BASE_URL;

beforeAll(async () => {
  delete process.env.LOOP_AI_BASE_URL;
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'ai-co'));
  typeId = (await call('POST', 'object-types', { name: 'notes' })).body.data.id;
  await call('POST', `object-types/${typeId}/properties`, { name: 'body', data_type: 'text' });
  for (const body of [
    'The invoice for the roof repair is overdue. The customer promised payment next week. Roof tiles were replaced.',
    'Garden party planning: flowers, music and a cake for the summer garden party.',
    'Second reminder about the overdue invoice for the roof repair.',
  ])
    ids.push((await call('POST', `objects/${typeId}`, { properties: { body } })).body.data.id);
}, 60_000);
afterAll(async () => {
  await svc?.close();
  if (saved !== undefined) process.env.LOOP_AI_BASE_URL = saved;
});

it('chat and generate answer from the offline provider and say so', async () => {
  const r = (await call('POST', 'ai/chat', { message: 'Please check the roof invoice. It is overdue.' })).body.data;
  expect(r.model).toBe('loop-offline-extractive-1');
  expect(r.response).toMatch(/^\[offline\] No language model is configured/);
  expect((await call('POST', 'ai/chat', { message: 'x', history: [{ role: 'robot', content: 'x' }] })).status).toBe(400);
  expect((await call('POST', 'ai/generate', { prompt: '' })).status).toBe(400);
  const models = (await call('GET', 'ai/models')).body.data;
  expect(models).toMatchObject({ provider: 'local', image_to_text: ['loop-offline-image-metadata-1'] });
});

it('conversations keep their history', async () => {
  const conv = (await call('POST', 'ai/conversations', { title: 'Help' })).body.data;
  await call('POST', `ai/conversations/${conv.id}/chat`, { message: 'First question.' });
  const second = (await call('POST', `ai/conversations/${conv.id}/chat`, { message: 'Second question.' })).body.data;
  expect(second.history_length).toBe(4);
  expect((await call('POST', 'ai/conversations/conv_missing/chat', { message: 'x' })).status).toBe(404);
});

it('summaries and tags come from the object text', async () => {
  const s = (await call('POST', 'ai/summarise', { object_type_id: typeId, object_id: ids[0], max_length: 10 })).body.data;
  expect(s.summary).toBe('The invoice for the roof repair is overdue.');
  const t = (await call('POST', 'ai/auto-tag', { object_type_id: typeId, object_id: ids[0] })).body.data;
  expect(t.tags[0]).toBe('roof');
  expect((await call('POST', 'ai/summarise', { object_type_id: typeId, object_id: 'obj_missing' })).status).toBe(404);
});

it('embeddings, indexing and lexical vector search', async () => {
  const e = (await call('POST', 'ai/embeddings', { text: ['roof invoice', 'roof invoice', 'garden cake'] })).body.data;
  expect(e.dimensions).toBe(256);
  expect(e.embeddings[0]).toEqual(e.embeddings[1]);
  expect(e.embeddings[0]).not.toEqual(e.embeddings[2]);
  expect((await call('POST', 'ai/index', { object_type_id: typeId })).body.data.indexed).toBe(3);
  const found = (await call('POST', 'ai/search', { query: 'overdue roof invoice', limit: 2 })).body.data.results;
  expect(found.map((r: any) => r.object_id).sort()).toEqual([ids[0], ids[2]].sort());
});

it('moderation flags lexicon words; usage sums every call', async () => {
  const m = (await call('POST', 'ai/moderate', { text: ['Have a nice day', 'click here for free money'] })).body.data;
  expect(m.results.map((r: any) => r.flagged)).toEqual([false, true]);
  expect(m.results[1].categories.spam).toBe(true);
  const usage = (await call('GET', 'ai-usage')).body.data;
  expect(usage.total_calls).toBe(7); // chat, 2 conversation turns, summarise, auto-tag, embeddings, moderate
  expect(usage.by_feature.map((r: any) => r.feature)).toEqual(
    expect.arrayContaining(['chat', 'summarise', 'auto_tag', 'embeddings', 'moderate']),
  );
});
