/**
 * The baseline: booking services list / get / create written by hand with Express and node-postgres,
 * the way a competent team would without a framework — same semantics as the generated route:
 * HS256 JWT verified with jose (key imported once), the caller's active membership in the company
 * named by X-Company-ID checked by a query on every request (hand-written handlers rarely cache it),
 * soft-deleted rows hidden, a page of 20 with its count in one statement (`count(*) over()`), and
 * create writing the row and its audit row in one statement (a CTE), answering the row.
 */
import type { Server } from 'node:http';
import express, { type Request, type Response } from 'express';
import { jwtVerify } from 'jose';
import pg from 'pg';

const COLUMNS =
  'id, company_id, workspace_id, created_at, updated_at, created_by, deleted_at, name, description, category, ' +
  'duration_minutes, buffer_minutes, price, currency, capacity, color, is_online, is_active';

export interface BareServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startBareServer(opts: {
  connection: pg.PoolConfig;
  schema: string;
  jwtSecret: string;
  poolMax: number;
}): Promise<BareServer> {
  const pool = new pg.Pool({ ...opts.connection, max: opts.poolMax, options: `-c search_path=${opts.schema},public` });
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(opts.jwtSecret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'verify',
  ]);

  /** The caller's user id and company id, or an answer already sent. */
  async function tenant(req: Request, res: Response): Promise<{ userId: number; companyId: number } | null> {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    let userId: number;
    try {
      const { payload } = await jwtVerify(m?.[1] ?? '', key, { issuer: 'loopgen:loop' });
      if (payload.token_type !== 'access') throw new Error('not an access token');
      userId = Number(payload.sub);
    } catch {
      res.status(401).json({ detail: 'Given token not valid for any token type' });
      return null;
    }
    const { rows } = await pool.query(
      `select c.id from companies c join memberships m on m.company_id = c.id
        where c.code = $1 and c.deleted_at is null and c.is_active and m.user_id = $2 and m.status = 'active' and m.deleted_at is null`,
      [req.get('x-company-id') ?? '', userId],
    );
    if (!rows.length) {
      res.status(403).json({ detail: 'You do not have access to this company.' });
      return null;
    }
    return { userId, companyId: Number(rows[0].id) };
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json());
  app.get('/booking/services/', async (req, res) => {
    const t = await tenant(req, res);
    if (!t) return;
    const page = Math.max(1, Number(req.query.page ?? 1) || 1);
    const order = req.query.ordering === 'id' ? 'id' : 'name, id';
    const { rows } = await pool.query(
      `select ${COLUMNS}, count(*) over() as total from booking_services
        where company_id = $1 and deleted_at is null order by ${order} limit 20 offset $2`,
      [t.companyId, (page - 1) * 20],
    );
    const count = rows.length ? Number(rows[0].total) : 0;
    res.json({ count, next: null, previous: null, results: rows.map(({ total: _, ...r }) => r) });
  });
  app.get('/booking/services/:id/', async (req, res) => {
    const t = await tenant(req, res);
    if (!t) return;
    const { rows } = await pool.query(`select ${COLUMNS} from booking_services where company_id = $1 and deleted_at is null and id = $2`, [
      t.companyId,
      Number(req.params.id),
    ]);
    if (!rows.length) return void res.status(404).json({ detail: 'Not found.' });
    res.json(rows[0]);
  });
  app.post('/booking/services/', async (req, res) => {
    const t = await tenant(req, res);
    if (!t) return;
    const b = req.body as { name?: unknown; duration_minutes?: unknown; price?: unknown };
    if (typeof b.name !== 'string' || !b.name || b.name.length > 200)
      return void res.status(400).json({ name: ['This field is required.'] });
    try {
      const { rows } = await pool.query(
        `with ins as (
           insert into booking_services (company_id, name, duration_minutes, price, created_by, created_at, updated_at)
           values ($1, $2, $3, $4, $5, now(), now()) returning ${COLUMNS}
         ), a as (
           insert into audit_logs (company_id, actor_id, action, resource, record_id, changes, created_by, created_at, updated_at)
           select company_id, $5, 'create', 'loop.booking.services', id::text, to_jsonb(ins), $5, now(), now() from ins
         )
         select * from ins`,
        [t.companyId, b.name, Number(b.duration_minutes ?? 60), String(b.price ?? '0.00'), t.userId],
      );
      res.status(201).json(rows[0]);
    } catch (e) {
      if ((e as { code?: string }).code === '23505') return void res.status(400).json({ name: ['Already exists.'] });
      throw e;
    }
  });

  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
