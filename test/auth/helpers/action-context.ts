/**
 * Runs an ActionHandler the way the runtime does: inside a transaction that commits on success and
 * rolls back on a thrown error, with a RequestContext over the real test database.
 */
import type { Knex } from 'knex';
import type {
  ActionContext,
  ActionResult,
  HandlerRegistry,
  Principal,
  RequestContext,
  TenantContext,
} from '../../../runtime/runtime-api.ts';
import { WIRE_STYLES } from '../../../runtime/http/wire-style.ts';

export interface RunOptions {
  body?: unknown;
  principal?: Principal | null;
  tenant?: TenantContext | null;
  ip?: string;
  appId?: string | null;
}

let seq = 0;

export function requestContext(db: Knex, o: RunOptions = {}): RequestContext {
  return {
    requestId: `req-${++seq}`,
    service: 'loop',
    style: 'drf',
    wire: WIRE_STYLES.drf,
    basePath: '/api/v1/',
    ip: o.ip ?? '203.0.113.7',
    db,
    principal: o.principal ?? null,
    tenant: o.tenant ?? null,
    appId: o.appId ?? null,
  };
}

/** Runs any handler: tests call flows directly, also with bodies the router's validators would have refused. */
export async function runAction(db: Knex, handler: HandlerRegistry[string], o: RunOptions = {}): Promise<ActionResult & { body?: any }> {
  const ctx = requestContext(db, o);
  return db.transaction(async (trx) => {
    const args: ActionContext = {
      ctx,
      action: {} as ActionContext['action'],
      params: {},
      query: {},
      body: o.body,
      trx,
      audit: async () => undefined,
      baseUrl: 'http://loop.test',
    };
    return (await handler(args)) as ActionResult & { body?: any };
  });
}

/** The ApiError a promise rejects with (fails the test when it resolves). */
export async function apiError(
  p: Promise<unknown>,
): Promise<{ status: number; code: string; fields?: Record<string, string[]>; headers?: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    return e as never;
  }
  throw new Error('expected the call to fail');
}
