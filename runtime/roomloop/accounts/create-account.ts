/** POST /v1/accounts: one account, with its account.created event in the same transaction. */
import type { Knex } from 'knex';
import { conflict } from '../../http/api-error.ts';
import { R, T, isUniqueViolation } from '../tables.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { newId } from '../../security/random-ids.ts';
import { now } from '../clock.ts';
import { enqueueEvent } from '../webhooks/outbox.ts';
import { accountView } from './account-view.ts';

export interface NewAccount {
  readonly email: string;
  readonly name: string;
  readonly department?: string | null;
  readonly role?: 'teacher' | 'admin';
}

export async function insertAccounts(trx: Knex, accounts: readonly NewAccount[]) {
  const at = now();
  const codec = codecOf(R.accounts);
  const rows = accounts.map((a) => ({
    ...codec.toColumns({
      email: a.email.trim().toLowerCase(),
      name: a.name.trim(),
      department: a.department?.trim() || null,
      role: a.role ?? 'teacher',
      status: 'active',
    }),
    id: newId('usr'),
    created_at: at,
    updated_at: at,
  }));
  const views = [];
  for (let i = 0; i < rows.length; i += 500) {
    try {
      await trx.transaction((sp) => sp(T.accounts).insert(rows.slice(i, i + 500)));
    } catch (e) {
      if (isUniqueViolation(e)) throw conflict('An account with this email already exists.', 'account_exists');
      throw e;
    }
  }
  for (const r of rows) {
    const v = accountView(r);
    views.push(v);
    await enqueueEvent(trx, 'account.created', v);
  }
  return views;
}

export async function createAccount(trx: Knex, input: NewAccount) {
  const [view] = await insertAccounts(trx, [input]);
  return view!;
}
