// Calls an app makes; this file must type-check under the strict consumer tsconfig.
import { createClient, ValidationError, type BookingAppointment, type ShopClient } from '../../golden/sdk-basic/shop/sdk/index.ts';
import { createBookingClient } from '../../golden/sdk-basic/shop/sdk/booking.ts';
import { createClient as createRooms } from '../../golden/sdk-basic/rooms/sdk/index.ts';

export async function app(): Promise<void> {
  const shop: ShopClient = createClient({
    baseUrl: 'https://api.example.com',
    companyId: '001',
    appId: 'web',
    timeoutMs: 5000,
    retries: 1,
  });
  await shop.auth.login({ email: 'dev@example.com', password: 'strongpass123' });
  const page = await shop.booking.appointments.list({
    status: 'confirmed',
    ordering: '-starts_at',
    status__in: ['pending', 'confirmed'],
    page: 2,
  });
  const first: BookingAppointment | undefined = page.results[0];
  const count: number = page.count;
  for await (const appt of shop.booking.appointments.iterate({ starts_at__gte: '2026-01-01T00:00:00Z' })) {
    const status: 'pending' | 'confirmed' | 'cancelled' = appt.status;
    void status;
  }
  const ctrl = new AbortController();
  try {
    const created = await shop.booking.appointments.create(
      { service: 1, starts_at: '2026-06-10T09:00:00Z' },
      { idempotencyKey: true, signal: ctrl.signal },
    );
    const again = await shop.booking.appointments.get(created.id);
    await shop.booking.appointments.patch(again.id, { status: 'cancelled', staff: null });
    await shop.booking.appointments.update(again.id, { service: 2, starts_at: '2026-06-10T10:00:00Z' });
    const invoice = await shop.booking.appointments.createInvoice(again.id, { due_on: '2026-07-01' });
    const amount: string = invoice.amount;
    await shop.booking.appointments.delete(again.id);
    await shop.booking.appointments.restore(again.id);
    const cal = await shop.booking.calendar({ from: '2026-06-01', to: '2026-06-30' });
    const total: number = cal.total;
    void [amount, total];
  } catch (e) {
    if (e instanceof ValidationError) {
      const messages: readonly string[] | undefined = e.fields.starts_at;
      void [messages, e.status, e.code, e.body];
    }
  }
  await shop.core.memberships.create({ email: 'a@example.com', password: 'longenough' });
  await shop.booking.services.create({ name: 'Cut', price: 25, category: 'hair' });
  const booking = createBookingClient({ baseUrl: 'https://api.example.com' });
  await booking.booking.services.list({ is_active: true, search: 'cut' });
  const rooms = createRooms({ baseUrl: 'https://rooms.example.com', apiKey: 'sk_live_x' });
  const rsv = await rooms.facilities.reservations.create({
    room: 'room_1',
    starts_at: '2026-06-10T09:00:00Z',
    ends_at: '2026-06-10T10:00:00Z',
  });
  const id: string = rsv.id;
  void [first, count, id];
}
