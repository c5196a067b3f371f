/** LOOP Booking actions (spec/loop/booking.yaml): the calendar and invoicing an appointment. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { calendar } from '../booking/calendar.ts';
import { createInvoice } from '../booking/create-invoice.ts';

export const bookingHandlers: HandlerRegistry = {
  'booking.calendar': calendar,
  'booking.createInvoice': createInvoice,
};
