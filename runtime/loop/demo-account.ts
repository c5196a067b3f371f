/**
 * `loopgen serve --demo` for LOOP: a demo owner with a demo company (subscribed to the trial plan,
 * so every module is usable), created once in a database that has no companies yet.
 * The password is random and printed once; nothing fixed is ever shipped as a credential.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createUser } from './auth/create-user.ts';
import { provisionCompany } from './auth/company-provisioning.ts';
import { T } from './auth/loop-schema.ts';

export const DEMO_EMAIL = 'demo@loop.example';

export async function createDemoAccount(db: Knex): Promise<readonly string[]> {
  const existing = await db(T.companies).count<{ n: string }[]>({ n: '*' });
  if (Number(existing[0]?.n ?? 0) > 0) return [`demo: the database already has companies; no demo account created.`];
  const password = `Demo-${randomBytes(9).toString('base64url')}`;
  const company = await db.transaction(async (trx) => {
    const now = new Date();
    const user = await createUser(trx, { email: DEMO_EMAIL, username: 'demo', password, first_name: 'Demo', last_name: 'Owner' }, now);
    return (await provisionCompany(trx, { name: 'LOOP Demo Company', ownerId: Number(user.id), email: DEMO_EMAIL, now })).company;
  });
  return [
    `demo: company ${company.code} "${company.name}" with sample records`,
    `demo: sign in with ${DEMO_EMAIL} / ${password} (shown once)`,
  ];
}
