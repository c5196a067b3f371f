/** cms/pages/{id}/publish|archive/ and the public cms/public/pages|posts|news/ lists through the generated server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { create, type LoopClient, request, signUp } from './loop-client.ts';

let svc: TestService;
let c: LoopClient;
let other: LoopClient;

beforeAll(async () => {
  svc = await startTestService('loop');
  c = await signUp(svc, 'cms');
  other = await signUp(svc, 'cmsother');
}, 60_000);
afterAll(async () => svc?.close());

const anon = (path: string) => request(`${svc.api}${path}`, 'GET');

describe('cms/pages/{id}/publish/ and archive/', () => {
  it('publishes, archives and republishes with timestamps; illegal moves are 409s naming the state', async () => {
    const p = await create(c, 'cms/pages/', { title: 'About', slug: 'about' });
    expect(p.status).toBe('draft');
    const pub = await c.post(`cms/pages/${p.id}/publish/`);
    expect(pub.status).toBe(200);
    expect(pub.body.status).toBe('published');
    expect(Date.parse(pub.body.published_at)).not.toBeNaN();
    const twice = await c.post(`cms/pages/${p.id}/publish/`);
    expect(twice.status).toBe(409);
    expect(JSON.stringify(twice.body)).toContain('published');
    const arch = await c.post(`cms/pages/${p.id}/archive/`);
    expect(arch.body).toMatchObject({ status: 'archived' });
    expect(Date.parse(arch.body.archived_at)).not.toBeNaN();
    const archTwice = await c.post(`cms/pages/${p.id}/archive/`);
    expect(archTwice.status).toBe(409);
    expect(JSON.stringify(archTwice.body)).toContain('archived');
    expect((await c.post(`cms/pages/${p.id}/publish/`)).body.archived_at).toBeNull();
    const audit = await svc
      .db('audit_logs')
      .where({ company_id: c.companyId, resource: 'loop.cms.pages', record_id: String(p.id) })
      .whereIn('action', ['publish', 'archive']);
    expect(audit.map((x: any) => x.action).sort()).toEqual(['archive', 'publish', 'publish']);
  });

  it('404 for unknown or foreign pages, 400 for a bad publish_at', async () => {
    const p = await create(c, 'cms/pages/', { title: 'Hidden', slug: 'hidden' });
    expect((await c.post('cms/pages/999999/publish/')).status).toBe(404);
    expect((await other.post(`cms/pages/${p.id}/publish/`)).status).toBe(404);
    expect((await c.post(`cms/pages/${p.id}/publish/`, { publish_at: 'soon' })).status).toBe(400);
  });
});

describe('public lists', () => {
  beforeAll(async () => {
    const live = await create(c, 'cms/pages/', { title: 'Contact', slug: 'contact' });
    await c.post(`cms/pages/${live.id}/publish/`);
    const later = await create(c, 'cms/pages/', { title: 'Launch', slug: 'launch' });
    await c.post(`cms/pages/${later.id}/publish/`, { publish_at: '2999-01-01T00:00:00Z' });
    await create(c, 'cms/pages/', { title: 'Draft', slug: 'draft' });
    await create(c, 'cms/posts/', {
      title: 'Hello',
      slug: 'hello',
      body: 'Hi',
      status: 'published',
      published_at: '2025-01-01T00:00:00Z',
      tags: ['news', 'intro'],
    });
    await create(c, 'cms/posts/', { title: 'Unpub', slug: 'unpub', body: 'x', status: 'draft' });
    await create(c, 'cms/news/', {
      headline: 'Big',
      slug: 'big',
      body: 'b',
      status: 'published',
      published_at: '2025-01-02T00:00:00Z',
      is_featured: true,
    });
    await create(c, 'cms/news/', {
      headline: 'Small',
      slug: 'small',
      body: 's',
      status: 'published',
      published_at: '2025-01-03T00:00:00Z',
    });
    const foreign = await create(other, 'cms/pages/', { title: 'Theirs', slug: 'theirs' });
    await other.post(`cms/pages/${foreign.id}/publish/`);
  });

  it('list only published, already-live content of the named company, without a token', async () => {
    const pages = await anon(`cms/public/pages/?company=${c.company}`);
    expect(pages.status).toBe(200);
    const slugs = pages.body.results.map((p: any) => p.slug);
    expect(slugs).toContain('contact');
    expect(slugs).toContain('about');
    expect(slugs).not.toContain('launch');
    expect(slugs).not.toContain('draft');
    expect(slugs).not.toContain('theirs');
    expect(pages.body.count).toBe(slugs.length);
    expect((await anon(`cms/public/pages/?company=${c.company}&slug=contact`)).body.count).toBe(1);

    const posts = await anon(`cms/public/posts/?company=${c.company}&tag=intro`);
    expect(posts.body.results.map((p: any) => p.slug)).toEqual(['hello']);
    expect((await anon(`cms/public/posts/?company=${c.company}&tag=other`)).body.count).toBe(0);

    const news = await anon(`cms/public/news/?company=${c.company}`);
    expect(news.body.results.map((n: any) => n.slug)).toEqual(['small', 'big']);
    expect((await anon(`cms/public/news/?company=${c.company}&is_featured=true`)).body.results.map((n: any) => n.slug)).toEqual(['big']);
  });

  it('pages through results', async () => {
    const first = await anon(`cms/public/news/?company=${c.company}&page_size=1`);
    expect(first.body).toMatchObject({ count: 2, previous: null });
    expect(first.body.next).toContain('page=2');
    const second = await request(first.body.next, 'GET');
    expect(second.body.results.map((n: any) => n.slug)).toEqual(['big']);
    expect(second.body.next).toBeNull();
  });

  it('400 without a company, 404 for an unknown one', async () => {
    expect((await anon('cms/public/pages/')).status).toBe(400);
    expect((await anon('cms/public/posts/?company=zzz-nope')).status).toBe(404);
  });
});
