/**
 * Creating users: the one place that checks the password policy, uniqueness of email/username and
 * hashes the password, shared by register, accept-invitation and create-superuser.
 */
import type { Knex } from 'knex';
import { validation } from '../../http/api-error.ts';
import { T } from './loop-schema.ts';
import { hashPassword } from '../../security/password-hash.ts';
import { passwordProblems } from '../../security/password-policy.ts';
import type { UserRow } from './user-store.ts';

export interface NewUser {
  readonly email: string;
  readonly username: string;
  readonly password: string;
  readonly first_name?: string | null;
  readonly last_name?: string | null;
  readonly is_superuser?: boolean;
}

/** Throws a 400 with DRF field errors when the password is weak. */
export function assertPasswordAcceptable(
  password: string,
  user: { email?: string | null; username?: string | null },
  field = 'password',
): void {
  const problems = passwordProblems(password, user);
  if (problems.length) throw validation({ [field]: problems });
}

export async function createUser(trx: Knex, u: NewUser, now = new Date()): Promise<UserRow> {
  const email = u.email.trim();
  const username = u.username.trim();
  const fields: Record<string, string[]> = {};
  if (await trx(T.users).whereRaw('lower(email) = ?', [email.toLowerCase()]).first('id')) {
    fields.email = ['A user with that email already exists.'];
  }
  if (await trx(T.users).whereRaw('lower(username) = ?', [username.toLowerCase()]).first('id')) {
    fields.username = ['A user with that username already exists.'];
  }
  const problems = passwordProblems(u.password, { email, username });
  if (problems.length) fields.password = problems;
  if (Object.keys(fields).length) throw validation(fields);
  const [row] = await trx(T.users)
    .insert({
      email,
      username,
      password_hash: await hashPassword(u.password),
      first_name: u.first_name ?? null,
      last_name: u.last_name ?? null,
      is_active: true,
      is_superuser: u.is_superuser ?? false,
      created_at: now,
      updated_at: now,
    })
    .returning('*');
  return row as UserRow;
}
