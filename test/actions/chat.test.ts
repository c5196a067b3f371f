/**
 * Chat actions through the generated server: reaction toggle per user, PostgreSQL full-text search
 * (hits, misses, stemming, filters, tenant isolation), AI reply suggestions and conversation summaries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { create, signUp, type LoopClient } from './loop-client.ts';

let svc: TestService;

beforeAll(async () => {
  delete process.env.LOOP_AI_BASE_URL;
  svc = await startTestService('loop');
}, 120_000);

afterAll(async () => {
  await svc?.close();
});

async function conversation(c: LoopClient, bodies: string[], extra: Record<string, unknown> = {}) {
  const conv = await create(c, 'chat/conversations/', { kind: 'support', subject: 'Help', visitor_name: 'Sam', ...extra });
  const msgs = [];
  for (const body of bodies) msgs.push(await create(c, 'chat/messages/', { conversation: conv.id, body, sender_name: 'Sam' }));
  return { conv, msgs };
}

const userId = async (c: LoopClient) => Number((await c.get('auth/me/')).body.id ?? (await c.get('auth/me/')).body.user?.id);

describe('chat/messages/{id}/react', () => {
  it("toggles the caller's reaction, keeps other users' reactions, and remove only removes", async () => {
    const a = await signUp(svc, 'react');
    const {
      msgs: [m],
    } = await conversation(a, ['Hello there']);
    const me = await userId(a);
    const on = await a.post(`chat/messages/${m.id}/react/`, { emoji: '👍' });
    expect(on.status).toBe(200);
    expect(on.body.reactions).toEqual({ '👍': [me] });
    // Another user's reaction already on the message is kept when the caller toggles.
    await svc
      .db('chat_messages')
      .where({ id: m.id })
      .update({ reactions: JSON.stringify({ '👍': [me, 999999] }) });
    const off = await a.post(`chat/messages/${m.id}/react/`, { emoji: '👍' });
    expect(off.body.reactions).toEqual({ '👍': [999999] });
    const again = await a.post(`chat/messages/${m.id}/react/`, { emoji: '🎉' });
    expect(again.body.reactions).toEqual({ '👍': [999999], '🎉': [me] });
    const removeAbsent = await a.post(`chat/messages/${m.id}/react/`, { emoji: '❤️', remove: true });
    expect(removeAbsent.body.reactions).toEqual({ '👍': [999999], '🎉': [me] });
    const removed = await a.post(`chat/messages/${m.id}/react/`, { emoji: '🎉', remove: true });
    expect(removed.body.reactions).toEqual({ '👍': [999999] });
  });

  it("is a 404 for another tenant's message and a 400 without an emoji", async () => {
    const a = await signUp(svc, 'ra');
    const b = await signUp(svc, 'rb');
    const {
      msgs: [m],
    } = await conversation(a, ['Private']);
    expect((await b.post(`chat/messages/${m.id}/react/`, { emoji: '👍' })).status).toBe(404);
    expect((await a.post(`chat/messages/${m.id}/react/`, {})).status).toBe(400);
  });
});

describe('chat/search', () => {
  it('finds messages by words (stemmed), ranks them, filters, and misses other tenants', async () => {
    const a = await signUp(svc, 'fts');
    const b = await signUp(svc, 'ftsother');
    const one = await conversation(a, [
      'My invoice is wrong',
      'Thanks for the quick reply',
      'Both invoices were paid twice, invoice refund please',
    ]);
    const two = await conversation(a, ['Where is my parcel?']);
    await conversation(b, ['Another company invoice']);

    const hits = await a.get('chat/search/?q=invoice');
    expect(hits.status).toBe(200);
    expect(hits.body.count).toBe(2);
    // The message mentioning invoices three times ranks first; "invoices" matches "invoice" (english stemming).
    expect(hits.body.results.map((r: any) => r.body)).toEqual([
      'Both invoices were paid twice, invoice refund please',
      'My invoice is wrong',
    ]);
    expect(hits.body.results[0]).toMatchObject({ conversation: one.conv.id, kind: 'text' });

    expect((await a.get('chat/search/?q=dinosaur')).body.count).toBe(0);
    expect((await a.get('chat/search/?q=invoice -refund')).body.results.map((r: any) => r.body)).toEqual(['My invoice is wrong']);
    expect((await a.get(`chat/search/?q=parcel&conversation=${one.conv.id}`)).body.count).toBe(0);
    expect((await a.get(`chat/search/?q=parcel&conversation=${two.conv.id}`)).body.count).toBe(1);
    const paged = await a.get('chat/search/?q=invoice&page_size=1');
    expect(paged.body.results).toHaveLength(1);
    expect(paged.body.next).toContain('page=2');
    expect((await a.get('chat/search/?q=x')).status).toBe(400);
  });
});

describe('assistant in chat (offline provider)', () => {
  it('suggests a reply, posts it when send is true, and logs usage', async () => {
    const c = await signUp(svc, 'reply');
    const { conv } = await conversation(c, ['My booking for Friday was cancelled without notice']);
    const r = await c.post('chat/ai-reply/', { conversation: conv.id, tone: 'formal', send: true });
    expect(r.status).toBe(200);
    expect(r.body.reply).toContain('Dear Sam');
    expect(r.body.alternatives).toHaveLength(2);
    const posted = await svc.db('chat_messages').where({ id: r.body.message, company_id: c.companyId }).first();
    expect(posted).toMatchObject({ kind: 'ai', body: r.body.reply, sender_name: 'LOOP Assistant' });
    const [log] = await svc.db('ai_usage_logs').where({ company_id: c.companyId });
    expect(log).toMatchObject({ feature: 'ai_reply', source_module: 'chat', provider: 'local' });
    expect((await c.post('chat/ai-reply/', { conversation: 999999 })).status).toBe(404);
  });

  it('summarises a conversation from its messages and saves the summary', async () => {
    const c = await signUp(svc, 'csum');
    const { conv } = await conversation(c, [
      'The printer in room 4 is jammed again',
      'We replaced the toner last week',
      'The printer jams whenever thick paper is used in room 4',
      'ok',
    ]);
    const r = await c.post(`chat/conversations/${conv.id}/summarize/`, { max_words: 25 });
    expect(r.status).toBe(200);
    expect(r.body.message_count).toBe(4);
    expect(r.body.summary).toContain('printer');
    const saved = await c.get(`chat/conversations/${conv.id}/`);
    expect(saved.body.summary).toBe(r.body.summary);
    const empty = await create(c, 'chat/conversations/', { kind: 'direct' });
    expect((await c.post(`chat/conversations/${empty.id}/summarize/`, {})).status).toBe(400);
  });
});
