/**
 * Generated tests of the write and item operations of one resource: create (and its validation
 * errors), retrieve, update, partial update, soft delete and restore. Registered in this order
 * inside the resource's describe block; vitest runs them in order, so they walk one record through
 * its life.
 */
import { expect, it } from 'vitest';
import { caseIt } from './known-issues.ts';
import type { FieldNode } from '../../../generator/ir/index.ts';
import { inputFields, invalidCases, validValue } from '../../helpers/payloads.ts';
import { describeReply } from './client.ts';
import { expectEcho, expectFieldErrors, expectStatus, idsOf, listAll } from './checks.ts';
import type { ResourceState } from './resource-state.ts';

const has = (s: ResourceState, op: string) => (s.r.operations as readonly string[]).includes(op);

export function createTests(s: ResourceState): void {
  caseIt(s, 'create → 201 echoing every field sent', async () => {
    const made = await s.main();
    expectStatus(made.reply, 201);
    expectEcho(s.r, made.sent, made.reply);
  });

  // The kinds of mistakes depend only on the fields, so the test names are known before any request.
  for (const kind of invalidCases(s.r, {})) {
    caseIt(s, `create → 400 naming each field (${kind.kind}: ${kind.fields.join(', ')})`, async () => {
      const { sent } = await s.main();
      const bad = invalidCases(s.r, sent).find((c) => c.kind === kind.kind)!;
      const reply = await s.writer.post(`${s.r.path}/`, bad.body);
      expectFieldErrors(reply, bad.fields);
    });
  }
}

/** A field PATCH can change on its own: a plain value, not a reference or JSON. */
function patchField(fields: readonly FieldNode[]): FieldNode | undefined {
  const plain = ['string', 'text', 'email', 'url', 'integer', 'decimal', 'date', 'datetime', 'enum', 'boolean'];
  return fields.find((f) => plain.includes(f.type) && !f.writeOnly && !(f.type === 'enum' && (f.enumValues?.length ?? 0) < 2));
}

export function itemTests(s: ResourceState): void {
  if (has(s, 'retrieve')) {
    caseIt(s, 'retrieve → 200 with the created record', async () => {
      const made = await s.main();
      const reply = await s.reader.get(s.itemPath(made.id));
      expectStatus(reply, 200);
      // The create answer may carry more (a key shown once); everything retrieve shows is the same.
      expect(made.reply.body, describeReply(reply)).toMatchObject(reply.body);
    });
  }

  if (has(s, 'update')) {
    caseIt(s, 'update (PUT) → 200 with every new value, kept on retrieve', async () => {
      const made = await s.main();
      const body = await s.ctx.records.payload(s.r, s.ctx.actors.a, { variant: 1 });
      const reply = await s.writer.put(s.itemPath(made.id), body);
      expectStatus(reply, 200);
      expectEcho(s.r, body, reply);
      const again = await s.reader.get(s.itemPath(made.id));
      expectEcho(s.r, body, again);
    });
  }

  if (has(s, 'partial_update')) {
    const f = patchField(inputFields(s.r));
    const title = `partial update (PATCH) → 200 changing only ${f?.name ?? 'nothing'}`;
    if (!f) {
      it.skip(`${title} — skipped: no plain field to change on its own`, () => {});
    } else {
      caseIt(s, title, async () => {
        const made = await s.main();
        const before = (await s.reader.get(s.itemPath(made.id))).body ?? made.reply.body;
        const value =
          f.type === 'enum'
            ? f.enumValues!.find((v) => v !== before[f.name])
            : f.type === 'boolean'
              ? !before[f.name]
              : validValue(f, s.ctx.records.next());
        const reply = await s.writer.patch(s.itemPath(made.id), { [f.name]: value });
        expectStatus(reply, 200);
        expectEcho(s.r, { [f.name]: value }, reply);
        // Everything else is as it was (updated_at moves on by design).
        const others = (o: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(o).filter(([k]) => k !== f.name && k !== 'updated_at'));
        expect(others(reply.body), describeReply(reply)).toEqual(others(before));
      });
    }
  }
}

export function deleteTests(s: ResourceState, between?: () => void): void {
  if (!has(s, 'delete')) return;
  caseIt(s, `delete → 204, then 404 on retrieve and absent from the list${s.r.softDelete ? ' (soft delete)' : ''}`, async () => {
    const made = await s.main();
    const reply = await s.writer.delete(s.itemPath(made.id));
    expectStatus(reply, 204);
    if (has(s, 'retrieve')) expectStatus(await s.reader.get(s.itemPath(made.id)), 404);
    if (has(s, 'list')) {
      const { rows, first } = await listAll(s.reader, s.r);
      expectStatus(first, 200);
      expect(idsOf(rows), describeReply(first)).not.toContain(String(made.id));
    }
    if (s.r.softDelete) {
      // Nothing is hard-deleted through the API.
      const row = await s.ctx.svc.db(s.r.table).where({ id: made.id }).first('deleted_at');
      expect(row?.deleted_at, `${s.r.table} row ${made.id} after DELETE`).toBeTruthy();
    }
  });

  between?.();

  if (has(s, 'restore')) {
    caseIt(s, 'restore → 200, listed with ?deleted=only before, visible again after', async () => {
      const made = await s.main();
      if (has(s, 'list')) {
        const { rows, first } = await listAll(s.writer, s.r, { deleted: 'only' });
        expectStatus(first, 200);
        expect(idsOf(rows), describeReply(first)).toContain(String(made.id));
      }
      const reply = await s.writer.post(`${s.itemPath(made.id)}restore/`);
      expectStatus(reply, 200);
      expect(String(reply.body?.id), describeReply(reply)).toBe(String(made.id));
      if (has(s, 'retrieve')) expectStatus(await s.reader.get(s.itemPath(made.id)), 200);
    });
  }
}
