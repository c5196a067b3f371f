/** LOOP Booking actions (spec/loop/booking.yaml): the calendar and invoicing an appointment. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { calendar } from './lib-a/calendar.ts';
import { createInvoice } from './lib-a/create-invoice.ts';

export const bookingHandlers: HandlerRegistry = {
  'booking.calendar': calendar,
  'booking.createInvoice': createInvoice,
};
