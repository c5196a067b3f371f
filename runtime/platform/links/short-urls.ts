/** Short URLs (the platform API document's "Short URLs"): the slug is the record id. */
import { randomBytes } from 'node:crypto';
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { conflict, notFound, validation } from '../../http/api-error.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { shortUrlsShortUrlResource } from '../../../generated/platform/server/short-urls.ts';
import { actorOf, bodyOf, param, tenantOf } from '../http/action-context.ts';
import { T } from '../tables.ts';

// Reads and writes go through the resource's codec: only catalogue columns clients may set are written
// (never tenancy columns or unknown keys), and the answer is the same record a GET returns.
const codec = codecOf(shortUrlsShortUrlResource);

async function readOne(a: ActionContext, slug: string) {
  const [row] = await a
    .trx(T.shortUrls)
    .where({ id: slug, company_id: tenantOf(a) })
    .select(codec.select(a.trx));
  return row ? codec.toWire(row) : null;
}

export const shortUrlActions = {
  /** The slug is the id (`/v1/short-urls/:slug`); a random one is chosen when none is given. */
  create: async (a) => {
    const b = bodyOf(a);
    const slug = typeof b.slug === 'string' && b.slug ? b.slug : randomBytes(5).toString('base64url');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(slug)) throw validation({ slug: ['use letters, digits, _ and - (max 64)'] });
    if (await a.trx(T.shortUrls).where({ id: slug }).first('id')) throw conflict('This slug is taken.', 'duplicate');
    await a.trx(T.shortUrls).insert({
      ...codec.toColumns(b),
      id: slug,
      slug,
      company_id: tenantOf(a),
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    return { status: 201, body: await readOne(a, slug) };
  },
  /** The document answers `{slug, deleted: true}`. */
  remove: async (a) => {
    const slug = param(a, 'id');
    const n = await a
      .trx(T.shortUrls)
      .where({ id: slug, company_id: tenantOf(a) })
      .delete();
    if (!n) throw notFound();
    return { body: { slug, deleted: true } };
  },
} satisfies Record<string, ActionHandler>;
