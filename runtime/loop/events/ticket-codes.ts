/**
 * Public identifiers printed on tags and tickets. Crockford base32 (no I, L, O, U) so a code read
 * aloud or typed from a label is unambiguous; randomness from node:crypto.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function randomCode(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

/** `PRT-7K3Q9MXA`: 40 random bits, unique across every company (public-verify looks it up globally). */
export const protectorId = (): string => `PRT-${randomCode(8)}`;

/** Ticket code for an event registration: 60 random bits. */
export const ticketCode = (): string => randomCode(12);

/**
 * Sets `column` of a row to a fresh code when it is empty, retrying on the rare global clash.
 * Returns the row's code (existing or new). The row should already be locked by the caller.
 */
export async function ensureCode(trx: Knex, table: string, id: number | string, column: string, make: () => string): Promise<string> {
  const row = (await trx(table).where({ id }).first(column)) as Record<string, string | null> | undefined;
  if (row?.[column]) return row[column]!;
  for (let i = 0; i < 5; i++) {
    const code = make();
    const clash = await trx(table)
      .where({ [column]: code })
      .first('id');
    if (clash) continue;
    await trx(table)
      .where({ id })
      .update({ [column]: code });
    return code;
  }
  throw new Error(`could not allocate a unique ${table}.${column}`);
}
