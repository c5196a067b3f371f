// Every line under @ts-expect-error must fail to compile; an unused directive is itself an error (TS2578),
// so a passing `tsc` proves the SDK rejects these mistakes.
import { createClient } from '../../golden/sdk-basic/shop/sdk/index.ts';
import { createClient as createRooms } from '../../golden/sdk-basic/rooms/sdk/index.ts';

export async function mistakes(): Promise<void> {
  const shop = createClient({ baseUrl: 'https://api.example.com' });
  // wrong field names
  // @ts-expect-error `statuss` is not a filter
  await shop.booking.appointments.list({ statuss: 'confirmed' });
  // @ts-expect-error `start_at` is not a field of the body
  await shop.booking.appointments.create({ service: 1, starts_at: '2026-06-10T09:00:00Z', start_at: 'x' });
  // @ts-expect-error `colour` is not a patchable field
  await shop.booking.services.patch(1, { colour: 'red' });
  // wrong enum values
  // @ts-expect-error `done` is not an appointment status
  await shop.booking.appointments.list({ status: 'done' });
  // @ts-expect-error `beard` is not a service category
  await shop.booking.services.create({ name: 'Cut', price: '25.00', category: 'beard' });
  // @ts-expect-error `price` is not an ordering field
  await shop.booking.appointments.list({ ordering: '-price' });
  // missing required fields
  // @ts-expect-error `starts_at` is required
  await shop.booking.appointments.create({ service: 1 });
  // @ts-expect-error `to` is required by the calendar query
  await shop.booking.calendar({ from: '2026-06-01' });
  // wrong types
  // @ts-expect-error serial ids are numbers
  await shop.booking.appointments.get('abc');
  // @ts-expect-error memberships have no restore
  await shop.core.memberships.restore(1);
  const rooms = createRooms({ baseUrl: 'https://rooms.example.com' });
  // @ts-expect-error reservations cannot be patched
  await rooms.facilities.reservations.patch('rsv_1', {});
  // @ts-expect-error prefixed ids are strings
  await rooms.facilities.rooms.get(1);
  // @ts-expect-error read-only fields cannot be assigned
  (await shop.booking.appointments.get(1)).total = '1.00';
}
