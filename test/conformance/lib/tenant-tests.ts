/**
 * Generated access tests. Company resources: the owner of company 002 (B) cannot list, read, update,
 * delete or restore a record of company 001 (A) — always 404, never 403, so existence does not
 * leak — nor point a reference at one of A's records (400 naming the field). Global resources:
 * any signed-in user reads them, only superusers write them.
 */
import { expect } from 'vitest';
import { caseIt } from './known-issues.ts';
import type { ResourceNode, ServiceNode } from '../../../generator/ir/index.ts';
import { writeAccessOf } from '../../../generator/ir/index.ts';
import { describeReply } from './client.ts';
import { expectFieldErrors, expectStatus, idsOf, listAll } from './checks.ts';
import type { ResourceState } from './resource-state.ts';

const has = (r: ResourceNode, op: string) => (r.operations as readonly string[]).includes(op);

export function isolationTests(s: ResourceState): void {
  caseIt(s, "tenant isolation: company 002 cannot list, retrieve, update or delete 001's record (404)", async () => {
    const made = await s.main();
    const { a, b } = s.ctx.actors;
    const before = await a.get(s.itemPath(made.id));
    if (has(s.r, 'list')) {
      const { rows, first } = await listAll(b, s.r);
      expectStatus(first, 200);
      expect(idsOf(rows), describeReply(first)).not.toContain(String(made.id));
    }
    // Writes go as 002's writer: its owner, or a superuser acting in 002 where only superusers write.
    const bw = s.ctx.records.writerFor(s.r, b);
    const attempts = [
      has(s.r, 'retrieve') && b.get(s.itemPath(made.id)),
      has(s.r, 'update') && bw.put(s.itemPath(made.id), made.sent),
      has(s.r, 'partial_update') && bw.patch(s.itemPath(made.id), {}),
      has(s.r, 'delete') && bw.delete(s.itemPath(made.id)),
    ];
    for (const p of attempts) if (p) expectStatus(await p, 404);
    const after = await a.get(s.itemPath(made.id));
    expectStatus(after, 200);
    expect(after.body, 'the record is unchanged').toEqual(before.body);
  });
}

/** Company resources only superusers write (`access.write: superuser`, billing state): the company's owner reads, never writes. */
export function superuserWriteTests(s: ResourceState): void {
  caseIt(s, 'superuser writes: the company owner cannot create, update or delete it (403), but reads it', async () => {
    const made = await s.main();
    const { a } = s.ctx.actors;
    const body = await s.ctx.records.payload(s.r, a);
    const attempts = [
      a.post(`${s.r.path}/`, body),
      has(s.r, 'update') && a.put(s.itemPath(made.id), body),
      has(s.r, 'partial_update') && a.patch(s.itemPath(made.id), {}),
      has(s.r, 'delete') && a.delete(s.itemPath(made.id)),
    ];
    for (const p of attempts) if (p) expectStatus(await p, 403);
    if (has(s.r, 'retrieve')) expectStatus(await a.get(s.itemPath(made.id)), 200);
  });
}

/** References whose target belongs to a company (checked per tenant). */
export function companyRefs(r: ResourceNode, service: ServiceNode): string[] {
  const byId = new Map(service.resources.map((x) => [x.id, x]));
  return r.fields
    .filter((f) => f.type === 'ref' && !f.system && !f.readOnly)
    .filter((f) => {
      const t = byId.get(f.ref!.resource);
      return t ? t.scope !== 'global' : false;
    })
    .map((f) => f.name);
}

export function foreignRefTests(s: ResourceState, refs: readonly string[]): void {
  caseIt(s, `tenant isolation: company 002 cannot reference 001's records (400 naming ${refs.join(', ')})`, async () => {
    const made = await s.main();
    // A's own body: every company reference in it points at one of A's records. Self-references,
    // left empty when A's record was made, point at that record itself.
    const body: Record<string, unknown> = { ...made.sent };
    for (const f of s.r.fields) if (f.type === 'ref' && f.ref?.resource === s.r.id && refs.includes(f.name)) body[f.name] = made.id;
    const named = refs.filter((n) => body[n] !== undefined && body[n] !== null);
    expect(named.length, `no company reference was set on ${JSON.stringify(body)}`).toBeGreaterThan(0);
    const reply = await s.ctx.records.writerFor(s.r, s.ctx.actors.b).post(`${s.r.path}/`, body);
    expectFieldErrors(reply, named);
  });
}

/** After A deleted the record (deleteTests runs first): B cannot bring it back. */
export function restoreIsolationTest(s: ResourceState): void {
  caseIt(s, "tenant isolation: company 002 cannot restore 001's deleted record (404)", async () => {
    const made = await s.main();
    expectStatus(await s.ctx.records.writerFor(s.r, s.ctx.actors.b).post(`${s.itemPath(made.id)}restore/`), 404);
  });
}

/** Global resources (not tenant roots): read as the catalogue's access says, written by superusers only. */
export function globalAccessTests(s: ResourceState): void {
  const { read, write } = s.r.access;
  if (read === 'authenticated' || read === 'public') {
    caseIt(s, `global: any signed-in user reads it (access.read ${read})`, async () => {
      const made = await s.main();
      const { b } = s.ctx.actors;
      if (has(s.r, 'retrieve')) expectStatus(await b.get(s.itemPath(made.id)), 200);
      if (has(s.r, 'list')) expectStatus(await b.get(`${s.r.path}/`), 200);
    });
  }
  if (write === 'superuser') {
    caseIt(s, 'global: a company owner cannot create, update or delete it (403; access.write superuser)', async () => {
      const made = await s.main();
      const { a } = s.ctx.actors;
      const body = await s.ctx.records.payload(s.r, a);
      const attempts = [
        a.post(`${s.r.path}/`, body),
        has(s.r, 'update') && a.put(s.itemPath(made.id), body),
        has(s.r, 'partial_update') && a.patch(s.itemPath(made.id), {}),
        has(s.r, 'delete') && a.delete(s.itemPath(made.id)),
      ];
      for (const p of attempts) if (p) expectStatus(await p, 403);
      expectStatus(await s.ctx.actors.root.get(s.itemPath(made.id)), 200);
    });
  }
}

/**
 * The tenant root (companies): a user lists the companies it belongs to and no other; another
 * company's row is a 404 for reads and writes, like any record of another tenant.
 */
export function tenantRootTests(s: ResourceState): void {
  caseIt(s, 'tenant root: a user lists only its own company; others are 404 to read, update or delete', async () => {
    const made = await s.main();
    const { a, b } = s.ctx.actors;
    const { rows, first } = await listAll(a, s.r);
    expectStatus(first, 200);
    expect(idsOf(rows), describeReply(first)).toEqual([String(a.companyId)]);
    expectStatus(await a.get(s.itemPath(a.companyId)), 200);
    const before = await a.get(s.itemPath(a.companyId));
    for (const [who, id] of [
      [b, a.companyId],
      [a, made.id],
    ] as const) {
      expectStatus(await who.get(s.itemPath(id)), 404);
      if (has(s.r, 'partial_update')) expectStatus(await who.patch(s.itemPath(id), { name: 'Taken over' }), 404);
      // A delete reserved to superusers is refused before the row is looked up.
      if (has(s.r, 'delete')) expectStatus(await who.delete(s.itemPath(id)), writeAccessOf(s.r, 'delete') === 'superuser' ? 403 : 404);
    }
    expect((await a.get(s.itemPath(a.companyId))).body, 'company 001 unchanged').toEqual(before.body);
  });
}
