/**
 * RoomLoop's handler registry, keyed by the catalogue's `handler:` names (spec/roomloop/*.yaml).
 * The `satisfies` list below is checked by test/roomloop/handlers-registry.test.ts against the
 * catalogue, so an action without a handler fails a test rather than a request.
 */
import type { HandlerRegistry } from '../../runtime-api.ts';
import * as auth from './auth.ts';
import * as facilities from './facilities.ts';
import * as reservations from './reservations.ts';
import * as accounts from './accounts.ts';
import * as reports from './reports.ts';
import * as webhooks from './webhooks.ts';

export const roomloopHandlers: HandlerRegistry = {
  'auth.google': auth.google,
  'auth.logout': auth.logout,
  'facilities.availability': facilities.availability,
  'facilities.partialUpdate': facilities.partialUpdate,
  'reservations.create': reservations.create,
  'reservations.list': reservations.list,
  'reservations.update': reservations.update,
  'reservations.destroy': reservations.destroy,
  'accounts.create': accounts.create,
  'accounts.bulk': accounts.bulk,
  'accounts.export': accounts.exportCsv,
  'reports.usage': reports.usage,
  'reports.exportCsv': reports.exportCsv,
  'reports.exportXlsx': reports.exportXlsx,
  'webhooks.create': webhooks.create,
};
