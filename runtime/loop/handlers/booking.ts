/** LOOP Booking actions (spec/loop/booking.yaml): the calendar and invoicing an appointment. */
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import { calendar } from '../booking/calendar.ts';
import { createInvoice } from '../booking/create-invoice.ts';

export const bookingHandlers = {
  'booking.calendar': calendar,
  'booking.createInvoice': createInvoice,
} satisfies Partial<LoopHandlers>;
