/**
 * An end user's in-app notifications (docs/api/platform-api.txt, "Auth notifications"): pf_records rows (kind
 * `notifications`, parent = user id, `read_at`), written by features that address the user
 * (approval decisions on objects they created); list, unread count, mark one or all read.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { notFound } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { endUserOf, iso, param, tenantOf } from '../http/action-context.ts';

const mine = (a: ActionContext) => a.trx(T.records).where({ company_id: tenantOf(a), kind: 'notifications', parent_id: endUserOf(a) });
const unread = (a: ActionContext) => mine(a).whereRaw("data->>'read_at' is null");
const readNow = (a: ActionContext) => a.trx.raw("jsonb_set(data, '{read_at}', to_jsonb(?::text))", [new Date().toISOString()]);

export const inboxActions = {
  listNotifications: async (a) => {
    const q = a.query;
    const limit = Math.min(Math.max(Number(q.limit) || 25, 1), 100);
    const offset = Math.max(Number(q.cursor ?? q.offset) || 0, 0);
    const base = () => (q.unread === 'true' ? unread(a) : mine(a));
    const rows = await base().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset);
    const total = Number((await base().count({ n: '*' }).first())?.n ?? 0);
    return {
      body: {
        results: rows.map((r) => ({ id: r.id, ...r.data, read: Boolean(r.data?.read_at), created_at: iso(r.created_at) })),
        next_cursor: offset + rows.length < total ? String(offset + rows.length) : null,
        total,
      },
    };
  },
  getUnreadCount: async (a) => ({ body: { count: Number((await unread(a).count({ n: '*' }).first())?.n ?? 0) } }),
  markNotificationRead: async (a) => {
    const n = await mine(a)
      .where({ id: param(a, 'notification_id') })
      .update({ data: readNow(a), updated_at: a.trx.fn.now() });
    if (!n) throw notFound('Notification not found.');
    return { body: { read: true } };
  },
  markAllAsRead: async (a) => ({ body: { updated: await unread(a).update({ data: readNow(a), updated_at: a.trx.fn.now() }) } }),
} satisfies Record<string, ActionHandler>;
