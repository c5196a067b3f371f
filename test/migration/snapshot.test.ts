import { describe, expect, it } from 'vitest';
import { buildSnapshot, emitMigrations } from '../../generator/emit/migration/index.ts';
import type { Snapshot, SnapshotTable } from '../../generator/emit/migration/index.ts';
import { expectGolden } from '../helpers/golden.ts';
import { loadFixtureService } from './ir-edit.ts';

const ctx = { root: '/', version: '0.0.0' };
const table = (s: Snapshot, name: string): SnapshotTable => s.tables.find((t) => t.name === name)!;
const column = (t: SnapshotTable, name: string) => t.columns.find((c) => c.name === name)!;

describe('schema snapshot of the fixture catalogue', () => {
  it('tables are sorted and tenant tables carry company_id NOT NULL with an FK and a leading index', async () => {
    const s = buildSnapshot(await loadFixtureService('shop'));
    const names = s.tables.map((t) => t.name);
    expect(names).toEqual([...names].sort());
    const services = table(s, 'booking_services');
    expect(column(services, 'company_id')).toMatchObject({
      sqlType: 'bigint',
      nullable: false,
      references: { table: 'companies', column: 'id', onDelete: 'restrict' },
    });
    expect(services.indexes.map((i) => i.columns)).toContainEqual(['company_id', 'created_at']);
    // Filterable fields are indexed behind company_id.
    expect(services.indexes.map((i) => i.columns)).toContainEqual(['company_id', 'is_active']);
    expect(column(services, 'id')).toMatchObject({ sqlType: 'bigserial', primary: true });
    expect(column(services, 'price').sqlType).toBe('numeric(12,2)');
    expect(column(services, 'deleted_at')).toMatchObject({ sqlType: 'timestamptz', nullable: true });
    expect(column(services, 'duration_minutes')).toMatchObject({ sqlType: 'integer', nullable: false, default: '60' });
  });

  it('uniques are per company and only among live rows', async () => {
    const s = buildSnapshot(await loadFixtureService('shop'));
    expect(table(s, 'booking_services').uniques).toEqual([
      { name: 'ux_booking_services_company_id_name', columns: ['company_id', 'name'], unique: true, where: 'deleted_at IS NULL' },
    ]);
    // Global table: no company_id to lead with.
    expect(table(s, 'companies').uniques[0]!.columns).toEqual(['code']);
    expect(table(s, 'companies').columns.some((c) => c.name === 'company_id')).toBe(false);
  });

  it('enums and bounds become CHECK constraints', async () => {
    const s = buildSnapshot(await loadFixtureService('shop'));
    const checks = table(s, 'booking_services').checks;
    expect(checks.find((c) => c.column === 'category')!.expression).toBe(`"category" IN ('hair', 'nails', 'spa')`);
    expect(checks.find((c) => c.column === 'duration_minutes')!.expression).toBe('"duration_minutes" >= 5 AND "duration_minutes" <= 1440');
    // varchar(3) enforces the max; the check adds only the min length.
    expect(table(s, 'companies').checks.find((c) => c.column === 'code')!.expression).toBe('char_length("code") >= 3');
  });

  it('prefixed ids are text, and refs to them are text with an index and their ON DELETE', async () => {
    const s = buildSnapshot(await loadFixtureService('rooms'));
    const reservations = table(s, 'reservations');
    expect(column(table(s, 'rooms'), 'id')).toMatchObject({ sqlType: 'text', primary: true });
    expect(column(reservations, 'room_id')).toMatchObject({
      sqlType: 'text',
      nullable: false,
      references: { table: 'rooms', column: 'id', onDelete: 'cascade' },
    });
    expect(reservations.indexes.map((i) => i.name)).toContain('ix_reservations_room_id');
    // No soft delete: no deleted_at.
    expect(reservations.columns.some((c) => c.name === 'deleted_at')).toBe(false);
  });

  it('initial migrations match the golden files', async () => {
    const files = [];
    for (const name of ['rooms', 'shop'] as const) {
      const out = emitMigrations(await loadFixtureService(name), ctx, { snapshot: null, existing: [] }, { allowDestructive: false });
      expect(out.files.map((f) => f.path)).toEqual([
        `generated/${name}/migrations/0001_initial.ts`,
        `generated/${name}/migrations/checksums.json`,
        `generated/${name}/migrations/snapshot.json`,
      ]);
      files.push(...out.files);
    }
    await expectGolden('migrations-basic', files);
  });
});
