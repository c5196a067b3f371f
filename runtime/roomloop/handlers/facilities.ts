/** facilities.availability: GET /v1/facilities/:id/availability?date= */
import type { ActionHandler } from '../../runtime-api.ts';
import { validation } from '../../http/api-error.ts';
import { availability as slotAvailability } from '../reservations/availability.ts';
import { roomloopPrincipal } from '../principal.ts';
import { isValidDate } from '../rules/index.ts';

export const availability: ActionHandler = async ({ ctx, trx, params, query }) => {
  const date = String(query.date ?? '');
  if (!isValidDate(date)) throw validation({ date: ['Pass ?date=YYYY-MM-DD.'] });
  return { body: await slotAvailability(trx, roomloopPrincipal(ctx), params.id!, date) };
};
