/** Accounting periods: a closed period freezes the ledger for its dates (no posting, no reversal into it). */
import type { Knex } from 'knex';
import { conflict } from '../../http/api-error.ts';
import { T } from '../tables.ts';

export const PERIODS = T.periods;

export async function assertOpen(trx: Knex, tenant: string | number, date: string): Promise<void> {
  const closed = await trx(PERIODS)
    .where({ company_id: tenant, status: 'closed' })
    .whereRaw('start_date <= ?::date and end_date >= ?::date', [date, date])
    .first('id', 'name');
  if (closed)
    throw conflict(
      `The period "${closed.name ?? closed.id}" containing ${date} is closed; reopen it or use another date.`,
      'period_closed',
      { details: { period_id: closed.id } },
    );
}
