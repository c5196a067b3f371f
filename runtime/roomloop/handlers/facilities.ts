/** facilities.availability (GET /v1/facilities/:id/availability?date=) and facilities.partialUpdate (PATCH /v1/facilities/:id). */
import type { RoomloopHandlers } from '../../../generated/roomloop/server/handlers.ts';
import { validation } from '../../http/api-error.ts';
import { availability } from '../reservations/availability.ts';
import { updateFacility } from '../facilities/update-facility.ts';
import { roomloopPrincipal } from '../principal.ts';
import { isValidDate } from '../rules/index.ts';

export const facilitiesHandlers = {
  'facilities.availability': async ({ ctx, trx, params, query }) => {
    if (!isValidDate(query.date)) throw validation({ date: ['Pass ?date=YYYY-MM-DD.'] });
    return { body: await availability(trx, roomloopPrincipal(ctx), params.id!, query.date) };
  },

  /** The generic partial update, with `slots` and `rules` checked by the rules' own schemas first. */
  'facilities.partialUpdate': async ({ ctx, trx, params, body }) => ({ body: await updateFacility(trx, ctx, params.id!, body) }),
} satisfies Partial<RoomloopHandlers>;
