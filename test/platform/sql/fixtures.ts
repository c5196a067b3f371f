/** Two tenants with object data (types, properties, objects, an association) for the SQL tests. */
import { expect } from 'vitest';
import { createPlatformKey } from '../../../runtime/platform/index.ts';
import { databaseSchema } from '../../../runtime/db/open-database.ts';
import type { TestService } from '../../helpers/test-service.ts';
import { client } from '../helpers.ts';

export interface SqlTenant {
  readonly tenantId: number;
  readonly key: string;
  readonly call: ReturnType<typeof client>;
  readonly typeId: string;
  readonly objectIds: string[];
}

/** A tenant with a `deals` type and `count` objects named `<label>-<n>`, the first two associated. */
export async function sqlTenant(svc: TestService, label: string, count: number): Promise<SqlTenant> {
  const { key, tenantId } = await createPlatformKey(svc.db, { tenant: `sql-${label}` });
  const call = client(svc, key);
  const t = await call('POST', 'object-types', { name: 'deals' });
  expect(t.status).toBe(201);
  const typeId = t.body.data.id as string;
  expect((await call('POST', `object-types/${typeId}/properties`, { name: 'name', data_type: 'string' })).status).toBe(201);
  expect((await call('POST', `object-types/${typeId}/properties`, { name: 'amount', data_type: 'number' })).status).toBe(201);
  const objectIds: string[] = [];
  for (let i = 1; i <= count; i++) {
    const o = await call('POST', `objects/${typeId}`, { properties: { name: `${label}-${i}`, amount: i * 10 } });
    expect(o.status).toBe(201);
    objectIds.push(o.body.data.id);
  }
  // An update keeps the earlier version (object_versions).
  expect((await call('PATCH', `objects/${typeId}/${objectIds[0]}`, { properties: { amount: 11 } })).status).toBe(200);
  const link = await call('POST', `objects/${typeId}/${objectIds[0]}/associations/related/${typeId}/${objectIds[1]}`, {
    meta: { tenant: label },
  });
  expect(link.status).toBe(201);
  return { tenantId, key, call, typeId, objectIds };
}

export const schemaOf = (svc: TestService) => databaseSchema(svc.db) ?? 'platform';
export const onPglite = !process.env.DATABASE_URL;
