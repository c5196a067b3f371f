/**
 * RoomLoop's handler registry, keyed by the catalogue's `handler:` names (spec/roomloop/*.yaml).
 * It satisfies the generated contract (generated/roomloop/server/handlers.ts), so a missing or
 * misspelt handler, or one that misreads its validated body or query, fails the type-check.
 */
import type { RoomloopHandlers } from '../../../generated/roomloop/server/handlers.ts';
import { authHandlers } from './auth.ts';
import { facilitiesHandlers } from './facilities.ts';
import { reservationsHandlers } from './reservations.ts';
import { accountsHandlers } from './accounts.ts';
import { reportsHandlers } from './reports.ts';
import { webhooksHandlers } from './webhooks.ts';

export const roomloopHandlers = {
  ...authHandlers,
  ...facilitiesHandlers,
  ...reservationsHandlers,
  ...accountsHandlers,
  ...reportsHandlers,
  ...webhooksHandlers,
} satisfies RoomloopHandlers;
