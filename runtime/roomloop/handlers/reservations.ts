/** reservations.create / list / update / destroy (seed 001, "Reservations"). */
import type { ActionHandler } from '../../runtime-api.ts';
import { createReservation, type CreateReservationInput } from '../reservations/create-reservation.ts';
import { changeReservation, deleteReservation, type ChangeReservationInput } from '../reservations/change-reservation.ts';
import { listReservations, type ListReservationsQuery } from '../reservations/list-reservations.ts';
import { roomloopPrincipal } from '../principal.ts';

export const create: ActionHandler = async ({ ctx, trx, body }) => {
  const p = roomloopPrincipal(ctx);
  const view = await createReservation(trx, { role: p.role, department: p.department, userId: p.accountId }, body as CreateReservationInput);
  return { status: 201, body: view };
};

export const list: ActionHandler = async ({ trx, query }) => ({ body: await listReservations(trx, query as ListReservationsQuery) });

export const update: ActionHandler = async ({ ctx, trx, params, body }) => ({
  body: await changeReservation(trx, roomloopPrincipal(ctx), params.id!, (body ?? {}) as ChangeReservationInput),
});

export const destroy: ActionHandler = async ({ trx, params }) => {
  await deleteReservation(trx, params.id!);
  return { status: 204, body: null };
};
