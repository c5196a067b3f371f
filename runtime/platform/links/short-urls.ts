/** Short URLs (the platform API document's "Short URLs"): the slug is the record id. */
import { randomBytes } from 'node:crypto';
import type { ActionHandler } from '../../runtime-api.ts';
import { conflict, validation } from '../../http/api-error.ts';
import { actorOf, bodyOf, iso, tenantOf } from '../http/action-context.ts';
import { T } from '../tables.ts';

export const shortUrlActions = {
  /** The slug is the id (`/v1/short-urls/:slug`); a random one is chosen when none is given. */
  create: async (a) => {
    const b = bodyOf(a);
    const slug = typeof b.slug === 'string' && b.slug ? b.slug : randomBytes(5).toString('base64url');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(slug)) throw validation({ slug: ['use letters, digits, _ and - (max 64)'] });
    if (await a.trx(T.shortUrls).where({ id: slug }).first('id')) throw conflict('This slug is taken.', 'duplicate');
    const cols = Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.stringify(v) : v]));
    await a.trx(T.shortUrls).insert({ ...cols, id: slug, slug, company_id: tenantOf(a), created_by: actorOf(a), created_at: a.trx.fn.now(), updated_at: a.trx.fn.now() });
    const row = await a.trx(T.shortUrls).where({ id: slug }).first();
    return { status: 201, body: { ...row, slug, company_id: undefined, tenant_id: tenantOf(a), created_at: iso(row.created_at), updated_at: iso(row.updated_at) } };
  },
} satisfies Record<string, ActionHandler>;
