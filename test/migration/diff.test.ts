import { describe, expect, it } from 'vitest';
import { buildSnapshot, diffSnapshots, emitMigrations, serialiseSnapshot } from '../../generator/emit/migration/index.ts';
import type { ServiceNode } from '../../generator/ir/index.ts';
import { addField, dropField, dropResource, editField, field, loadFixtureService } from './ir-edit.ts';

const ctx = { root: '/', version: '0.0.0' };
const kinds = (prev: ServiceNode, next: ServiceNode, allowDestructive = false) =>
  diffSnapshots(buildSnapshot(prev), buildSnapshot(next), { allowDestructive });

describe('diffSnapshots', () => {
  it('an unchanged catalogue gives no statements', async () => {
    const shop = await loadFixtureService('shop');
    expect(kinds(shop, shop)).toEqual({ statements: [], destructive: [], refused: false });
  });

  it('a new filterable field → add_column, then its tenant index', async () => {
    const shop = await loadFixtureService('shop');
    const next = addField(shop, 'booking_services', field('color', { max: 7, filter: ['exact'] }));
    const d = kinds(shop, next);
    expect(d.statements).toEqual([
      {
        kind: 'add_column',
        table: 'booking_services',
        column: { name: 'color', sqlType: 'varchar(7)', nullable: true, default: null, primary: false, references: null },
      },
      {
        kind: 'create_index',
        table: 'booking_services',
        index: { name: 'ix_booking_services_company_id_color', columns: ['company_id', 'color'], unique: false, where: null },
      },
    ]);
    expect(d.destructive).toEqual([]);
  });

  it('a rename declared with renamedFrom is one rename_column, not drop + add', async () => {
    const shop = await loadFixtureService('shop');
    const next = editField(shop, 'booking_staff', 'display_name', (f) => ({
      ...f,
      name: 'full_name',
      column: 'full_name',
      renamedFrom: 'display_name',
    }));
    const d = kinds(shop, next);
    expect(d.statements).toEqual([{ kind: 'rename_column', table: 'booking_staff', from: 'display_name', to: 'full_name' }]);
  });

  it('without renamedFrom the same change is a destructive drop, refused unless allowed', async () => {
    const shop = await loadFixtureService('shop');
    const next = editField(shop, 'booking_staff', 'display_name', (f) => ({ ...f, name: 'full_name', column: 'full_name' }));
    const refused = kinds(shop, next);
    expect(refused.statements.map((s) => s.kind)).toEqual(['add_column', 'drop_column']);
    expect(refused.destructive.map((s) => s.kind)).toEqual(['drop_column']);
    expect(refused.refused).toBe(true);
    expect(kinds(shop, next, true).refused).toBe(false);
  });

  it('dropping a table drops its FKs first and is destructive', async () => {
    const shop = await loadFixtureService('shop');
    const d = kinds(shop, dropResource(shop, 'booking_appointments'));
    expect(d.statements.map((s) => s.kind)).toEqual(['drop_foreign_key', 'drop_foreign_key', 'drop_foreign_key', 'drop_table']);
    expect(d.destructive.map((s) => s.kind)).toEqual(['drop_table']);
  });

  it('type widening is safe; narrowing is destructive', async () => {
    const shop = await loadFixtureService('shop');
    const wider = editField(shop, 'booking_services', 'name', (f) => ({ ...f, max: 300 }));
    expect(kinds(shop, wider).statements).toEqual([
      { kind: 'alter_column_type', table: 'booking_services', column: 'name', from: 'varchar(200)', to: 'varchar(300)' },
    ]);
    expect(kinds(shop, wider).destructive).toEqual([]);
    const narrower = editField(shop, 'booking_services', 'name', (f) => ({ ...f, max: 100 }));
    expect(kinds(shop, narrower).destructive.map((s) => s.kind)).toEqual(['alter_column_type']);
  });

  it('adding an enum value swaps the check safely; removing one is destructive', async () => {
    const shop = await loadFixtureService('shop');
    const more = editField(shop, 'booking_services', 'category', (f) => ({ ...f, enumValues: [...f.enumValues!, 'massage'] }));
    const d = kinds(shop, more);
    expect(d.statements.map((s) => s.kind)).toEqual(['drop_check', 'add_check']);
    expect(d.destructive).toEqual([]);
    const fewer = editField(shop, 'booking_services', 'category', (f) => ({ ...f, enumValues: ['hair'] }));
    expect(kinds(shop, fewer).destructive.map((s) => s.kind)).toEqual(['add_check']);
  });

  it('nullability and defaults change in place', async () => {
    const shop = await loadFixtureService('shop');
    const next = editField(shop, 'booking_services', 'duration_minutes', (f) => ({ ...f, default: 30 }));
    expect(kinds(shop, next).statements).toEqual([
      { kind: 'set_default', table: 'booking_services', column: 'duration_minutes', default: '30', previous: '60' },
    ]);
    const optional = editField(shop, 'booking_services', 'price', (f) => ({ ...f, required: false }));
    expect(kinds(shop, optional).statements).toEqual([{ kind: 'drop_not_null', table: 'booking_services', column: 'price' }]);
  });
});

describe('emitMigrations', () => {
  it('an empty diff writes no migration and hands back the snapshot unchanged', async () => {
    const shop = await loadFixtureService('shop');
    const first = emitMigrations(shop, ctx, { snapshot: null, existing: [] }, { allowDestructive: false });
    const checksums = JSON.parse(first.files[1]!.contents) as Record<string, string>;
    const again = emitMigrations(
      shop,
      ctx,
      { snapshot: JSON.parse(first.files[2]!.contents), existing: ['0001_initial.ts'], checksums },
      { allowDestructive: false },
    );
    expect(again.changed).toBe(false);
    expect(again.files).toEqual([first.files[1], first.files[2]]);
  });

  it('numbers the next migration and names it after its first change', async () => {
    const shop = await loadFixtureService('shop');
    const prev = buildSnapshot(shop);
    const next = addField(shop, 'booking_services', field('color', { max: 7, filter: ['exact'] }));
    const out = emitMigrations(next, ctx, { snapshot: prev, existing: ['0001_initial.ts', '0002_x.ts'] }, { allowDestructive: false });
    expect(out.files.map((f) => f.path)).toEqual([
      'generated/shop/migrations/0003_add_booking_services_color.ts',
      'generated/shop/migrations/checksums.json',
      'generated/shop/migrations/snapshot.json',
    ]);
    expect(out.files[0]!.contents).toBe(
      [
        '// Generated by loopgen from spec/shop/ — do not edit.',
        "import type { Knex } from 'knex';",
        '',
        'export async function up(knex: Knex): Promise<void> {',
        "  await knex.schema.alterTable('booking_services', (t) => {",
        "    t.string('color', 7);",
        "    t.index(['company_id', 'color'], 'ix_booking_services_company_id_color');",
        '  });',
        '}',
        '',
        'export async function down(knex: Knex): Promise<void> {',
        "  await knex.schema.alterTable('booking_services', (t) => {",
        "    t.dropIndex(['company_id', 'color'], 'ix_booking_services_company_id_color');",
        "    t.dropColumn('color');",
        '  });',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('refuses destructive changes: no migration, snapshot kept, the statements reported', async () => {
    const shop = await loadFixtureService('shop');
    const prev = buildSnapshot(shop);
    const out = emitMigrations(
      dropField(shop, 'booking_staff', 'hired_on'),
      ctx,
      { snapshot: prev, existing: ['0001_initial.ts'] },
      { allowDestructive: false },
    );
    expect(out).toMatchObject({ changed: true, refused: true });
    expect(out.files).toEqual([{ path: 'generated/shop/migrations/snapshot.json', contents: serialiseSnapshot(prev) }]);
    expect(out.destructive).toEqual([expect.objectContaining({ kind: 'drop_column', table: 'booking_staff' })]);
  });
});
