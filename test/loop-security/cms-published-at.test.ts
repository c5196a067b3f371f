/**
 * CMS pages, posts and news saved with status `published` (create, PATCH or PUT) get `published_at`
 * when none is given, so they appear on the public endpoints at once (spec/loop/cms.yaml, the
 * fill_published_at triggers); a given or earlier `published_at` is kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, request, signUp, type LoopClient } from '../actions/loop-client.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

let svc: TestService;
let c: LoopClient;

beforeAll(async () => {
  svc = await startTestService('loop');
  c = await signUp(svc, 'cmspub');
}, 120_000);
afterAll(async () => svc?.close());

const slugs = async (kind: string) => {
  const r = await request(`${svc.api}cms/public/${kind}/?company=${c.company}`, 'GET');
  expect(r.status).toBe(200);
  return r.body.results.map((x: { slug: string }) => x.slug);
};

describe('publishing by status', () => {
  it('a post created as published is stamped and listed publicly', async () => {
    const before = Date.now();
    const post = await create(c, 'cms/posts/', { title: 'Live', slug: 'live', body: 'b', status: 'published' });
    expect(Date.parse(post.published_at)).toBeGreaterThanOrEqual(before - 5_000);
    expect(await slugs('posts')).toContain('live');
  });

  it('news patched from draft to published is stamped and listed publicly', async () => {
    const n = await create(c, 'cms/news/', { headline: 'Later', slug: 'later', body: 'b' });
    expect(n.published_at).toBeNull();
    expect(await slugs('news')).not.toContain('later');
    const patched = await c.call('PATCH', `cms/news/${n.id}/`, { status: 'published' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(Date.parse(patched.body.published_at)).not.toBeNaN();
    expect(await slugs('news')).toContain('later');
  });

  it('a page whose status is set to published through PATCH is stamped', async () => {
    const p = await create(c, 'cms/pages/', { title: 'About', slug: 'about' });
    const patched = await c.call('PATCH', `cms/pages/${p.id}/`, { status: 'published' });
    expect(Date.parse(patched.body.published_at)).not.toBeNaN();
    expect(await slugs('pages')).toContain('about');
  });

  it('a given or earlier published_at is kept; drafts stay unstamped', async () => {
    const scheduled = await create(c, 'cms/posts/', {
      title: 'Soon',
      slug: 'soon',
      body: 'b',
      status: 'published',
      published_at: '2999-01-01T00:00:00Z',
    });
    expect(scheduled.published_at).toMatch(/^2999-01-01/);
    expect(await slugs('posts')).not.toContain('soon');
    const old = await create(c, 'cms/news/', {
      headline: 'Old',
      slug: 'old',
      body: 'b',
      status: 'published',
      published_at: '2020-05-01T00:00:00Z',
    });
    const archived = await c.call('PATCH', `cms/news/${old.id}/`, { status: 'archived' });
    const again = await c.call('PATCH', `cms/news/${old.id}/`, { status: 'published' });
    expect(archived.body.published_at).toMatch(/^2020-05-01/);
    expect(again.body.published_at).toMatch(/^2020-05-01/);
    const draft = await create(c, 'cms/posts/', { title: 'Draft', slug: 'draft', body: 'b' });
    expect(draft.published_at).toBeNull();
    expect((await c.call('PATCH', `cms/posts/${draft.id}/`, { title: 'Draft 2' })).body.published_at).toBeNull();
  });
});
