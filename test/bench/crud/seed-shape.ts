/**
 * The data shape of issue 14's measurements: company `001` with 7,500 booking services, 4,750 live and
 * 2,750 soft-deleted, and a second company with 2,500 — 10,000 rows. Returns a member's access token.
 */
import type { TestService } from '../../helpers/test-service.ts';

export interface BookingShape {
  readonly access: string;
  readonly companyCode: string;
  readonly companyId: number;
  /** A live row of company 001, for "get one". */
  readonly liveId: number;
}

export async function seedBookingShape(svc: Pick<TestService, 'api' | 'db'>): Promise<BookingShape> {
  const post = async (path: string, body: unknown) => {
    const r = await fetch(svc.api + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, any>;
  };
  const register = (n: string) =>
    post('auth/register/', { email: `${n}@example.com`, username: n, password: 'Bench-passw0rd!', company_name: `${n} Co` });
  const main = await register('bench');
  const other = await register('bench-other');
  const companyId = Number(main.company.id);
  const { access } = await post('auth/login/', { email: 'bench@example.com', password: 'Bench-passw0rd!' });

  const now = new Date();
  const row = (company: number, i: number, deleted: boolean) => ({
    company_id: company,
    name: `Service ${String(i).padStart(5, '0')}`,
    category: ['Hair', 'Spa', 'General', null][i % 4],
    duration_minutes: 30 + (i % 60),
    price: `${(i % 100) + 0.5}`,
    created_at: now,
    updated_at: now,
    deleted_at: deleted ? now : null,
  });
  // Live and deleted rows interleaved, as they are after months of use.
  const rows = [
    ...Array.from({ length: 7500 }, (_, i) => row(companyId, i, i % 30 >= 19)),
    ...Array.from({ length: 2500 }, (_, i) => row(Number(other.company.id), i, false)),
  ];
  for (let i = 0; i < rows.length; i += 1000) await svc.db('booking_services').insert(rows.slice(i, i + 1000));
  await svc.db.raw('vacuum analyze booking_services');
  const live = await svc.db('booking_services').where({ company_id: companyId }).whereNull('deleted_at').count({ n: '*' }).first();
  if (Number(live?.n) !== 4750) throw new Error(`expected 4,750 live rows, found ${live?.n}`);
  const one = await svc
    .db('booking_services')
    .where({ company_id: companyId })
    .whereNull('deleted_at')
    .orderBy('id')
    .offset(100)
    .first('id');
  return { access, companyCode: String(main.company.code), companyId, liveId: Number(one.id) };
}
