/**
 * Chat actions: reactions (toggle per user), full-text search over the tenant's messages, and the
 * assistant's reply suggestions and conversation summaries (through the AI provider, logged in
 * ai_usage_logs like every other assistant call).
 */
import type { Knex } from 'knex';
import { chatConversationResource as conversations, chatMessageResource as messages } from '../../../generated/loop/server/chat.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { DEFAULT_PAGE_SIZE } from '../../http/paging.ts';
import { drfPaging } from '../../http/styles/drf.ts';
import { notFound, validation } from '../../http/api-error.ts';
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import type { ActionResult } from '../../runtime-api.ts';
import { countWords } from '../../effects/ai/extractive.ts';
import { callAi } from '../ai/ai-call.ts';
import { companyIdOf, userIdOf } from '../files/assets.ts';
import { offlineReplies, offlineSummary } from '../ai/offline-answers.ts';
import { searchMessages } from '../chat/message-search.ts';
import { pageAt } from '../handler-kit/paging.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';

const codec = codecOf(messages);

function reactionsOf(v: unknown): Record<string, number[]> {
  const r = typeof v === 'string' ? JSON.parse(v) : v;
  if (!r || typeof r !== 'object' || Array.isArray(r)) return {};
  const out: Record<string, number[]> = {};
  for (const [k, ids] of Object.entries(r)) if (Array.isArray(ids)) out[k] = ids.map(Number);
  return out;
}

async function react(a: LoopArgs<'chat.react'>): Promise<ActionResult> {
  const b = a.body;
  const emoji = b.emoji.trim();
  if (!emoji || /\s/.test(emoji)) throw validation({ emoji: ['Send one emoji or a short code without spaces.'] });
  const user = userIdOf(a.ctx);
  if (user === null) throw validation({ non_field_errors: ['Reactions need a signed-in user.'] });
  const company = companyIdOf(a.ctx);
  // Row lock: two people reacting at once must not overwrite each other's change.
  const row = await a
    .trx(messages.table)
    .where({ id: Number(a.params.id), company_id: company })
    .whereNull('deleted_at')
    .forUpdate()
    .first('reactions');
  if (!row) throw notFound();
  const reactions = reactionsOf(row.reactions);
  const users = reactions[emoji] ?? [];
  const had = users.includes(user);
  const next = had ? users.filter((u) => u !== user) : b.remove ? users : [...users, user].sort((x, y) => x - y);
  if (next.length) reactions[emoji] = next;
  else delete reactions[emoji];
  const [updated] = await a
    .trx(messages.table)
    .where({ id: Number(a.params.id), company_id: company })
    .update({ reactions: JSON.stringify(reactions), updated_at: new Date() })
    .returning('*');
  await a.audit({
    action: had ? 'unreact' : b.remove ? 'react-noop' : 'react',
    resource: messages.id,
    recordId: Number(a.params.id),
    changes: { emoji },
  });
  return { body: codec.toWire(updated as Record<string, unknown>) };
}

async function conversationMessages(trx: Knex, company: number, conversation: number, limit: number) {
  const conv = await trx(conversations.table)
    .where({ id: conversation, company_id: company })
    .whereNull('deleted_at')
    .first('id', 'visitor_name', 'subject');
  if (!conv) return null;
  // The most recent `limit` messages, oldest first.
  const rows = (await trx(messages.table)
    .where({ conversation_id: conversation, company_id: company })
    .whereNull('deleted_at')
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit)
    .select('id', 'body', 'kind', 'sender_id', 'sender_name')) as {
    id: number;
    body: string;
    kind: string;
    sender_id: number | null;
    sender_name: string | null;
  }[];
  return { conv, rows: rows.reverse() };
}

const transcript = (rows: { body: string; sender_name: string | null; kind: string }[]) =>
  rows
    .filter((r) => r.kind !== 'system')
    .map((r) => `${r.sender_name ?? (r.kind === 'ai' ? 'Assistant' : 'User')}: ${r.body}`)
    .join('\n');

async function summarizeConversation(a: LoopArgs<'chat.summarize'>): Promise<ActionResult> {
  const b = a.body;
  const company = companyIdOf(a.ctx);
  const found = await conversationMessages(a.trx, company, Number(a.params.id), 500);
  if (!found) throw notFound();
  if (found.rows.length === 0) throw validation({ non_field_errors: ['The conversation has no messages to summarise.'] });
  // Offline: extract from message bodies (one sentence unit per message), not from the speaker labels.
  const bodies = found.rows
    .filter((r) => r.kind !== 'system')
    .map((r) => r.body.trim().replace(/([^.!?])$/, '$1.'))
    .join('\n');
  const r = await callAi(
    a,
    {
      feature: 'summarize',
      system: `Summarise this customer conversation in at most ${b.max_words} words: the request, what was agreed, and open points.`,
      prompt: transcript(found.rows),
      maxTokens: b.max_words * 2,
      offline: () => offlineSummary(bodies, b.max_words, 'paragraph'),
    },
    'chat',
  );
  if ('failure' in r) return r.failure;
  if (b.save)
    await a
      .trx(conversations.table)
      .where({ id: Number(a.params.id), company_id: company })
      .update({ summary: r.completion.text, updated_at: new Date() });
  await a.audit({
    action: 'summarize',
    resource: conversations.id,
    recordId: Number(a.params.id),
    changes: { saved: b.save, words: countWords(r.completion.text) },
  });
  return { body: { summary: r.completion.text, message_count: found.rows.length } };
}

async function aiReply(a: LoopArgs<'chat.aiReply'>): Promise<ActionResult> {
  const b = a.body;
  const company = companyIdOf(a.ctx);
  const found = await conversationMessages(a.trx, company, b.conversation, 30);
  if (!found) throw notFound(`Conversation ${b.conversation} not found.`);
  const last = [...found.rows].reverse().find((m) => m.kind === 'text') ?? found.rows[found.rows.length - 1];
  const offline = offlineReplies(last?.body ?? found.conv.subject ?? '', found.conv.visitor_name, b.tone);
  const r = await callAi(
    a,
    {
      feature: 'ai_reply',
      system: `You help a support agent. Write the next reply to the customer in a ${b.tone} tone. Reply with the message text only.${b.instructions ? ` Instructions: ${b.instructions}` : ''}`,
      prompt: transcript(found.rows) || '(no messages yet)',
      maxTokens: 400,
      offline: () => offline[0]!,
    },
    'chat',
  );
  if ('failure' in r) return r.failure;
  const reply = r.completion.text.trim();
  const alternatives = r.completion.provider === 'local' ? offline.slice(1) : [];
  let message: number | null = null;
  if (b.send) {
    const now = new Date();
    const [m] = await a
      .trx(messages.table)
      .insert({
        company_id: company,
        conversation_id: b.conversation,
        sender_id: null,
        sender_name: 'LOOP Assistant',
        kind: 'ai',
        body: reply,
        reactions: '{}',
        is_pinned: false,
        created_by: userIdOf(a.ctx),
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    message = Number(m.id ?? m);
    await a.trx(conversations.table).where({ id: b.conversation, company_id: company }).update({ last_message_at: now, updated_at: now });
  }
  await a.audit({ action: 'ai-reply', resource: a.action.id, recordId: message, changes: { conversation: b.conversation, sent: b.send } });
  return { body: { reply, alternatives, message } };
}

async function search(a: LoopArgs<'chat.search'>): Promise<ActionResult> {
  const paging = drfPaging(a.query.page ?? 1, a.query.page_size ?? DEFAULT_PAGE_SIZE);
  const found = await searchMessages(a.trx, companyIdOf(a.ctx), a.query, paging);
  return {
    body: pageAt(
      a,
      'chat/search/',
      paging,
      found.count,
      found.rows.map((r) => codec.toWire(r)),
    ),
  };
}

export const chatHandlers = {
  'chat.react': react,
  'chat.summarize': summarizeConversation,
  'chat.aiReply': aiReply,
  'chat.search': search,
} satisfies Partial<LoopHandlers>;
