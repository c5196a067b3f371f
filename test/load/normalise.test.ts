import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { operationIdOf, tableName, typeName } from '../../generator/load/normalise-names.ts';
import { filterOps } from '../../generator/load/normalise-fields.ts';

const root = fileURLToPath(new URL('../fixtures/basic', import.meta.url));

describe('normalise', () => {
  it('is deterministic', async () => {
    const a = await loadCatalogue(root);
    const b = await loadCatalogue(root);
    expect(JSON.stringify(a.catalogue)).toBe(JSON.stringify(b.catalogue));
    expect(a.catalogue).not.toBe(b.catalogue);
  });

  it('returns a deeply frozen IR', async () => {
    const c = (await loadCatalogue(root)).catalogue!;
    const field = c.services[0]!.resources[0]!.fields[0]!;
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(field)).toBe(true);
    expect(() => {
      (field as { name: string }).name = 'x';
    }).toThrow(TypeError);
  });

  it('derives type names, tables and operation ids', () => {
    expect(typeName('booking', 'Service')).toBe('BookingService');
    expect(typeName('booking', 'BookingPolicy')).toBe('BookingPolicy');
    expect(typeName('core', 'Company')).toBe('Company');
    expect(typeName('autism-support', 'Plan')).toBe('AutismSupportPlan');
    expect(tableName({ module: 'autism-support', title: 'x' }, 'care-plans', { model: 'CarePlan' })).toBe('autism_support_care_plans');
    expect(tableName({ module: 'core', title: 'x' }, 'api-keys', { model: 'ApiKey' })).toBe('api_keys');
    expect(tableName({ module: 'x', title: 'x', path: '' }, 'rooms', { model: 'Room' })).toBe('rooms');
    expect(tableName({ module: 'x', title: 'x' }, 'rooms', { model: 'Room', table: 'legacy_rooms' })).toBe('legacy_rooms');
    expect(operationIdOf('booking/appointments/{id}/create-invoice')).toBe('bookingAppointmentsCreateInvoice');
  });

  it('maps filter shorthands to operators', () => {
    expect(filterOps({ type: 'string', filter: true })).toEqual(['exact', 'in']);
    expect(filterOps({ type: 'string', filter: true, nullable: true, search: true })).toEqual(['exact', 'in', 'icontains', 'isnull']);
    expect(filterOps({ type: 'integer', filter: 'range' })).toEqual(['exact', 'gte', 'lte', 'gt', 'lt']);
    expect(filterOps({ type: 'integer', filter: ['lt', 'exact', 'lt'] })).toEqual(['exact', 'lt']);
    expect(filterOps({ type: 'string', search: true })).toEqual([]);
  });
});
