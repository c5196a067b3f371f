/** Accounts and actors used across RoomLoop tests. */
import type { Knex } from 'knex';
import { T } from '../../../runtime/roomloop/tables.ts';
import { newId } from '../../../runtime/security/random-ids.ts';
import type { RoomloopPrincipal } from '../../../runtime/roomloop/principal.ts';

export async function makeAccount(
  db: Knex,
  over: { email?: string; name?: string; department?: string | null; role?: 'teacher' | 'admin' } = {},
) {
  const id = newId('usr');
  const row = {
    id,
    email: over.email ?? `${id}@school.test`,
    name: over.name ?? 'Ada Teacher',
    department: over.department === undefined ? 'Science' : over.department,
    role: over.role ?? 'teacher',
    status: 'active',
  };
  await db(T.accounts).insert(row);
  return row;
}

export function principalOf(acc: { id: string; email: string; role: string; department: string | null }): RoomloopPrincipal {
  return {
    userId: acc.id,
    email: acc.email,
    isSuperuser: false,
    via: 'session',
    role: acc.role as 'teacher' | 'admin',
    accountId: acc.id,
    department: acc.department,
    credentialId: `ses_${acc.id}`,
  };
}

export function actorOf(p: RoomloopPrincipal) {
  return { role: p.role, department: p.department, userId: p.accountId };
}

/** A facility with its own rules config, so each rule can be tested in isolation. */
export async function makeFacility(db: Knex, rules: Record<string, unknown>, over: { status?: string; capacity?: number } = {}) {
  const id = newId('fac');
  await db(T.facilities).insert({
    id,
    name: `Test Room ${id.slice(-4)}`,
    type: 'classroom',
    building: 'Test Block',
    status: over.status ?? 'active',
    capacity: over.capacity ?? 30,
    amenities: JSON.stringify([]),
    slots: JSON.stringify(
      [1, 2, 3, 4, 5, 6].map((n) => ({ number: n, label: `P${n}`, start: `0${n + 7}:00`.slice(-5), end: `0${n + 7}:50`.slice(-5) })),
    ),
    rules: JSON.stringify(rules),
  });
  return id;
}
