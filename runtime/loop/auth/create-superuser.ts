/**
 * `loopgen admin create-superuser --email E --password P` (Django's `createsuperuser`): the first
 * superuser, against the configured database. The username defaults to the email's local part.
 */
import type { Knex } from 'knex';
import { createUser } from './create-user.ts';

export async function createSuperuser(
  db: Knex,
  opts: { email: string; password: string; username?: string },
): Promise<{ id: number; email: string }> {
  const username = opts.username ?? opts.email.split('@')[0]!;
  const user = await db.transaction((trx) => createUser(trx, { email: opts.email, username, password: opts.password, is_superuser: true }));
  return { id: user.id, email: user.email };
}
