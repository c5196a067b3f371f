/** reservations.create / list / update / destroy (the RoomLoop API document, "Reservations"). */
import type { RoomloopHandlers } from '../../../generated/roomloop/server/handlers.ts';
import { createReservation } from '../reservations/create-reservation.ts';
import { changeReservation, deleteReservation } from '../reservations/change-reservation.ts';
import { listReservations } from '../reservations/list-reservations.ts';
import { roomloopPrincipal } from '../principal.ts';

export const reservationsHandlers = {
  'reservations.create': async ({ ctx, trx, body }) => {
    const p = roomloopPrincipal(ctx);
    return { status: 201, body: await createReservation(trx, { role: p.role, department: p.department, userId: p.accountId }, body) };
  },

  'reservations.list': async ({ trx, query }) => ({ body: await listReservations(trx, query) }),

  'reservations.update': async ({ ctx, trx, params, body }) => ({
    body: await changeReservation(trx, roomloopPrincipal(ctx), params.id!, body),
  }),

  'reservations.destroy': async ({ trx, params }) => {
    await deleteReservation(trx, params.id!);
    return { status: 204, body: null };
  },
} satisfies Partial<RoomloopHandlers>;
