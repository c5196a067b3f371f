/** Every action and CRUD handler in spec/roomloop names a handler that exists, and every handler is used. */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { roomloopHandlers } from '../../runtime/roomloop/handlers/index.ts';

describe('roomloop handler registry', () => {
  it('matches the catalogue exactly', async () => {
    const r = await loadCatalogue(join(import.meta.dirname, '..', '..'), { services: ['roomloop'] });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const svc = r.catalogue!.services[0]!;
    const names = [...svc.actions.map((a) => a.handler), ...svc.resources.flatMap((res) => Object.values(res.handlers))];
    expect([...new Set(names)].sort()).toEqual(Object.keys(roomloopHandlers).sort());
  });
  it('declares the 18 endpoints of seed 001', async () => {
    const r = await loadCatalogue(join(import.meta.dirname, '..', '..'), { services: ['roomloop'] });
    const svc = r.catalogue!.services[0]!;
    const ops: string[] = svc.actions.map((a) => `${a.method} /v1/${a.path}`);
    for (const res of svc.resources) {
      if (res.operations.includes('list')) ops.push(`GET /v1/${res.path}`);
      if (res.operations.includes('retrieve')) ops.push(`GET /v1/${res.path}/{id}`);
      if (res.operations.includes('partial_update')) ops.push(`PATCH /v1/${res.path}/{id}`);
    }
    const seed = [
      'POST /v1/auth/google',
      'POST /v1/auth/logout',
      'GET /v1/facilities',
      'GET /v1/facilities/{id}',
      'GET /v1/facilities/{id}/availability',
      'PATCH /v1/facilities/{id}',
      'POST /v1/reservations',
      'GET /v1/reservations',
      'PATCH /v1/reservations/{id}',
      'DELETE /v1/reservations/{id}',
      'GET /v1/accounts',
      'POST /v1/accounts',
      'POST /v1/accounts/bulk',
      'GET /v1/accounts/export',
      'GET /v1/reports/usage',
      'GET /v1/reports/export.csv',
      'GET /v1/reports/export.xlsx',
      'POST /v1/webhooks',
    ];
    expect(ops.sort()).toEqual([...seed].sort());
  });
});
