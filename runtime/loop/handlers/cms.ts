/**
 * LOOP CMS actions (spec/loop/cms.yaml): the page publishing workflow (draft → published → archived,
 * with timestamps) and the public read endpoints a company website calls without a token
 * (`?company=<code>`), which list only content that is published and whose publish time has come.
 */
import type { Knex } from 'knex';
import { cmsNewsResource as news, cmsPageResource as pages, cmsPostResource as posts } from '../../../generated/loop/server/cms.ts';
import type { ResourceDescriptor } from '../../descriptor.ts';
import { notFound } from '../../http/api-error.ts';
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { pageOf } from '../handler-kit/paging.ts';
import { companyByCode, companyId } from '../handler-kit/tenant.ts';
import { assertTransition } from '../handler-kit/transitions.ts';
import { fetchRow, toWire, wireColumns } from '../handler-kit/rows.ts';

async function lockPage(a: ActionContext, company: number) {
  const p = await a
    .trx(pages.table)
    .where({ id: a.params.id, company_id: company })
    .whereNull('deleted_at')
    .forUpdate()
    .first('id', 'status', 'published_at');
  if (!p) throw notFound(`Page ${a.params.id} not found.`);
  return p as { id: number | string; status: string; published_at: Date | null };
}

async function publish(a: LoopArgs<'cms.publish'>): Promise<ActionResult> {
  const company = companyId(a);
  const p = await lockPage(a, company);
  assertTransition(`Page ${p.id}`, 'publish', p.status, ['draft', 'archived']);
  const now = new Date();
  const at = a.body.publish_at;
  const publishedAt = at ? new Date(at) : now;
  await a
    .trx(pages.table)
    .where({ id: p.id })
    .update({ status: 'published', published_at: publishedAt, archived_at: null, updated_at: now });
  await a.audit({
    action: 'publish',
    resource: pages.id,
    recordId: p.id,
    changes: { status: [p.status, 'published'], published_at: publishedAt.toISOString() },
  });
  return { body: await fetchRow(a.trx, pages, company, p.id, 'Page') };
}

async function archive(a: LoopArgs<'cms.archive'>): Promise<ActionResult> {
  const company = companyId(a);
  const p = await lockPage(a, company);
  assertTransition(`Page ${p.id}`, 'archive', p.status, ['draft', 'published']);
  const now = new Date();
  await a.trx(pages.table).where({ id: p.id }).update({ status: 'archived', archived_at: now, updated_at: now });
  await a.audit({ action: 'archive', resource: pages.id, recordId: p.id, changes: { status: [p.status, 'archived'] } });
  return { body: await fetchRow(a.trx, pages, company, p.id, 'Page') };
}

/** Public list of one kind of content. Reads only: nothing to audit, and there is no tenant to audit under. */
type PublicList = 'cms.publicPages' | 'cms.publicPosts' | 'cms.publicNews';

function publicList<K extends PublicList>(
  d: ResourceDescriptor,
  path: string,
  filters: (q: Knex.QueryBuilder, query: LoopArgs<K>['query']) => void,
  order: (t: string) => string,
) {
  return async (a: LoopArgs<K>): Promise<ActionResult> => {
    const company = await companyByCode(a.trx, a.query.company);
    const t = d.table;
    const q = a
      .trx(t)
      .where(`${t}.company_id`, company.id)
      .whereNull(`${t}.deleted_at`)
      .where(`${t}.status`, 'published')
      .whereNotNull(`${t}.published_at`)
      .where(`${t}.published_at`, '<=', a.trx.fn.now())
      .select(wireColumns(a.trx, d))
      .orderByRaw(order(t));
    if (a.query.slug !== undefined) q.where(`${t}.slug`, a.query.slug);
    if (a.query.language !== undefined) q.where(`${t}.language`, a.query.language);
    filters(q, a.query);
    return { body: await pageOf(a, path, q, (row) => toWire(d, row)) };
  };
}

export const cmsHandlers = {
  'cms.publish': publish,
  'cms.archive': archive,
  'cms.publicPages': publicList<'cms.publicPages'>(
    pages,
    'cms/public/pages/',
    () => undefined,
    (t) => `${t}.title, ${t}.id`,
  ),
  'cms.publicPosts': publicList<'cms.publicPosts'>(
    posts,
    'cms/public/posts/',
    (q, query) => {
      // tags is a JSON array of strings.
      if (query.tag !== undefined) q.whereRaw('??.tags @> ?::jsonb', [posts.table, JSON.stringify([query.tag])]);
    },
    (t) => `${t}.published_at desc, ${t}.id desc`,
  ),
  'cms.publicNews': publicList<'cms.publicNews'>(
    news,
    'cms/public/news/',
    (q, query) => {
      if (query.is_featured !== undefined) q.where(`${news.table}.is_featured`, query.is_featured);
    },
    (t) => `${t}.published_at desc, ${t}.id desc`,
  ),
} satisfies Partial<LoopHandlers>;
