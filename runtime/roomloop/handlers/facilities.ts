/** facilities.availability (GET /v1/facilities/:id/availability?date=) and facilities.partialUpdate (PATCH /v1/facilities/:id). */
import type { ActionHandler } from '../../runtime-api.ts';
import { validation } from '../../http/api-error.ts';
import { availability as slotAvailability } from '../reservations/availability.ts';
import { updateFacility } from '../facilities/update-facility.ts';
import { roomloopPrincipal } from '../principal.ts';
import { isValidDate } from '../rules/index.ts';

export const availability: ActionHandler = async ({ ctx, trx, params, query }) => {
  const date = String(query.date ?? '');
  if (!isValidDate(date)) throw validation({ date: ['Pass ?date=YYYY-MM-DD.'] });
  return { body: await slotAvailability(trx, roomloopPrincipal(ctx), params.id!, date) };
};

/** The generic partial update, with `slots` and `rules` checked by the rules' own schemas first. */
export const partialUpdate: ActionHandler = async ({ ctx, trx, params, body }) => ({
  body: await updateFacility(trx, ctx, params.id!, (body ?? {}) as Record<string, unknown>),
});
