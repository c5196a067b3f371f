/**
 * PostgreSQL full-text search over one company's chat messages: `websearch_to_tsquery` (quotes for
 * phrases, `-word` to exclude, `or`), the `english` configuration (so "invoices" finds "invoice"),
 * best rank first, then newest. Messages of deleted conversations are left out.
 * A GIN index on to_tsvector('english', body) would keep this fast on large tenants; the generated
 * migrations do not declare expression indexes yet.
 */
import type { Knex } from 'knex';
import { chatConversationResource as conversations, chatMessageResource as messages } from '../../../generated/loop/server/chat.ts';
import { codecOf } from '../../crud/row-codec.ts';
import type { Paging } from '../../http/paging.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';

const CONFIG = 'english';

export async function searchMessages(
  db: Knex,
  company: number,
  q: LoopArgs<'chat.search'>['query'],
  paging: Paging,
): Promise<{ rows: Record<string, unknown>[]; count: number }> {
  const t = messages.table;
  const query = db(t)
    .join(`${conversations.table} as c`, 'c.id', `${t}.conversation_id`)
    .where(`${t}.company_id`, company)
    .whereNull(`${t}.deleted_at`)
    .whereNull('c.deleted_at')
    .whereRaw(`to_tsvector('${CONFIG}', ${t}.body) @@ websearch_to_tsquery('${CONFIG}', ?)`, [q.q]);
  if (q.conversation !== undefined) query.where(`${t}.conversation_id`, q.conversation);
  if (q.channel !== undefined) query.where('c.channel_id', q.channel);
  if (q.sender !== undefined) query.where(`${t}.sender_id`, q.sender);
  if (q.from !== undefined) query.where(`${t}.created_at`, '>=', q.from);
  if (q.to !== undefined) query.where(`${t}.created_at`, '<=', q.to);
  const rows = (await query
    .select([...codecOf(messages).select(db, t), db.raw('count(*) over() as "__total"')])
    .orderByRaw(`ts_rank(to_tsvector('${CONFIG}', ${t}.body), websearch_to_tsquery('${CONFIG}', ?)) desc`, [q.q])
    .orderBy(`${t}.created_at`, 'desc')
    .orderBy(`${t}.id`, 'desc')
    .limit(paging.pageSize)
    .offset(paging.offset)) as Record<string, unknown>[];
  return { rows, count: rows.length ? Number(rows[0]!.__total) : 0 };
}
