/**
 * legal reservation status transitions (docs/api/roomloop-api.txt: PATCH confirms or cancels).
 * pending → confirmed (admin approves), pending|confirmed → cancelled; cancelled is final.
 */
export type ReservationStatus = 'pending' | 'confirmed' | 'cancelled';

const LEGAL: Readonly<Record<ReservationStatus, readonly ReservationStatus[]>> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['cancelled'],
  cancelled: [],
};

export function transitionError(from: ReservationStatus, to: ReservationStatus): string | null {
  if (from === to) return null;
  if (LEGAL[from].includes(to)) return null;
  if (from === 'cancelled') return 'This reservation was cancelled; make a new reservation instead.';
  return `A ${from} reservation cannot be changed to ${to}.`;
}
