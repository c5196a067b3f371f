/**
 * Reads of the `users` table shared by login, tokens, keys and `me`. Emails compare case-insensitively
 * (Django normalises the domain; people mistype the case of the rest), soft-deleted users do not exist.
 */
import type { Knex } from 'knex';
import { T } from './loop-schema.ts';

export interface UserRow {
  id: number;
  email: string;
  username: string;
  password_hash: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  is_active: boolean;
  is_superuser: boolean;
  last_login: Date | null;
  created_at: Date;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Knex, email: string): Promise<UserRow | undefined> {
  return db(T.users)
    .whereRaw('lower(email) = ?', [normaliseEmail(email)])
    .whereNull('deleted_at')
    .first();
}

export async function findActiveUser(db: Knex, id: number): Promise<UserRow | undefined> {
  return db(T.users).where({ id, is_active: true }).whereNull('deleted_at').first();
}

/** The user as the API shows it: never the password hash. */
export function publicUser(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    username: u.username,
    first_name: u.first_name ?? '',
    last_name: u.last_name ?? '',
    phone: u.phone ?? null,
    is_active: u.is_active,
    is_superuser: u.is_superuser,
    last_login: u.last_login ? new Date(u.last_login).toISOString() : null,
    date_joined: u.created_at ? new Date(u.created_at).toISOString() : null,
  };
}
