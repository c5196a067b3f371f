/**
 * Raw SQL blocks (catalogue `sql:`): recorded in the snapshot, run by the migration that first sees
 * them, reverted and re-run when they change, reverted before their table is dropped.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, diffSnapshots, emitMigrations } from '../../generator/emit/migration/index.ts';
import type { RawSqlNode, ServiceNode } from '../../generator/ir/index.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { expectGolden, projectRoot } from '../helpers/golden.ts';
import { dropResource, editResource, loadFixtureService } from './ir-edit.ts';

const ctx = { root: '/', version: '0.0.0' };

const guard: RawSqlNode = {
  kind: 'raw_sql',
  name: 'no_past_reservations',
  up: [
    `CREATE FUNCTION reservations_not_past() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.starts_at < now() THEN RAISE EXCEPTION 'starts in the past?' USING ERRCODE = '23514'; END IF;
  RETURN NEW;
END $$`,
    'CREATE TRIGGER tr_reservations_not_past BEFORE INSERT ON reservations FOR EACH ROW EXECUTE FUNCTION reservations_not_past()',
  ],
  down: ['DROP TRIGGER tr_reservations_not_past ON reservations', 'DROP FUNCTION reservations_not_past()'],
};

const withSql = (s: ServiceNode, sql: RawSqlNode[]) => editResource(s, 'reservations', (r) => ({ ...r, sql }));

describe('raw SQL blocks', () => {
  it('the catalogue key `sql:` loads into the IR, sorted by name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgen-rawsql-'));
    try {
      await cp(join(projectRoot, 'test/fixtures/basic/spec/rooms'), join(dir, 'spec/rooms'), { recursive: true });
      const file = join(dir, 'spec/rooms/facilities.yaml');
      const yaml = (await readFile(file, 'utf8')).replace(
        '    operations: [list, create, retrieve, delete]\n',
        '    operations: [list, create, retrieve, delete]\n    sql:\n      zz_last: { up: ["SELECT 2"], down: [] }\n' +
          '      aa_first:\n        up: ["CREATE INDEX ix_x ON reservations (starts_at)"]\n        down: ["DROP INDEX ix_x"]\n',
      );
      await writeFile(file, yaml);
      const { catalogue, diagnostics } = await loadCatalogue(dir);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const r = catalogue!.services[0]!.resources.find((x) => x.table === 'reservations')!;
      expect(r.sql).toEqual([
        { kind: 'raw_sql', name: 'aa_first', up: ['CREATE INDEX ix_x ON reservations (starts_at)'], down: ['DROP INDEX ix_x'] },
        { kind: 'raw_sql', name: 'zz_last', up: ['SELECT 2'], down: [] },
      ]);
      // A resource without the key keeps its snapshot table free of an empty `sql`.
      expect('sql' in buildSnapshot(catalogue!.services[0]!).tables.find((t) => t.name === 'rooms')!).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a new block runs after the schema statements; its down reverts it; the next migration matches the golden files', async () => {
    const rooms = await loadFixtureService('rooms');
    const first = buildSnapshot(rooms);
    const next = withSql(rooms, [guard]);
    const d = diffSnapshots(first, buildSnapshot(next), { allowDestructive: false });
    expect(d.statements).toEqual([{ kind: 'run_sql', table: 'reservations', sql: { name: guard.name, up: guard.up, down: guard.down } }]);
    const out = emitMigrations(next, ctx, { snapshot: first, existing: ['0001_initial.ts'] }, { allowDestructive: false });
    expect(out.files.map((f) => f.path)).toEqual([
      'generated/rooms/migrations/0002_run_sql_reservations_no_past_reservations.ts',
      'generated/rooms/migrations/checksums.json',
      'generated/rooms/migrations/snapshot.json',
    ]);
    await expectGolden(
      'migrations-raw-sql',
      out.files.filter((f) => !f.path.endsWith('checksums.json')),
    );
  });

  it('an unchanged block is not run again; a changed one is reverted with its old down, then run anew', async () => {
    const rooms = await loadFixtureService('rooms');
    const before = buildSnapshot(withSql(rooms, [guard]));
    expect(diffSnapshots(before, before, { allowDestructive: false }).statements).toEqual([]);
    const changed = { ...guard, up: [guard.up[0]!.replace('past?', 'past'), guard.up[1]!] };
    const d = diffSnapshots(before, buildSnapshot(withSql(rooms, [changed])), { allowDestructive: false });
    expect(d.statements.map((s) => [s.kind, 'sql' in s ? s.sql.up[0]!.includes('past?') : null])).toEqual([
      ['revert_sql', true],
      ['run_sql', false],
    ]);
    expect(d.destructive).toEqual([]);
  });

  it('a dropped table has its blocks reverted before the drop', async () => {
    const rooms = withSql(await loadFixtureService('rooms'), [guard]);
    const d = diffSnapshots(buildSnapshot(rooms), buildSnapshot(dropResource(rooms, 'reservations')), { allowDestructive: true });
    expect(d.statements.map((s) => s.kind)).toEqual(['revert_sql', 'drop_foreign_key', 'drop_table']);
  });
});
