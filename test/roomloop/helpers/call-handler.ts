/**
 * Calls a RoomLoop handler the way the runtime's `action()` does: inside a transaction that
 * commits on success and rolls back on a thrown error.
 */
import type { Knex } from 'knex';
import type { ActionContext, ActionResult, HandlerRegistry, RequestContext } from '../../../runtime/runtime-api.ts';
import type { ActionDescriptor } from '../../../runtime/descriptor.ts';
import { WIRE_STYLES } from '../../../runtime/http/wire-style.ts';
import { roomloopHandlers } from '../../../runtime/roomloop/handlers/index.ts';
import type { RoomloopPrincipal } from '../../../runtime/roomloop/principal.ts';

export interface CallOptions {
  readonly principal?: RoomloopPrincipal | null;
  readonly body?: unknown;
  readonly query?: Record<string, unknown>;
  readonly params?: Record<string, string>;
  readonly files?: ActionContext['files'];
}

export async function callHandler(db: Knex, name: string, o: CallOptions = {}): Promise<ActionResult> {
  // By name, as the runtime looks handlers up; the registry's own types are checked where it is declared.
  const handler = (roomloopHandlers as HandlerRegistry)[name];
  if (!handler) throw new Error(`no handler ${name}`);
  const ctx: RequestContext = {
    requestId: 'test',
    service: 'roomloop',
    style: 'roomloop',
    wire: WIRE_STYLES.roomloop,
    basePath: '/v1/',
    ip: '127.0.0.1',
    db,
    principal: o.principal ?? null,
    tenant: null,
    appId: null,
  };
  return db.transaction((trx) =>
    handler({
      ctx,
      action: { id: `roomloop.${name}`, handler: name } as unknown as ActionDescriptor,
      params: o.params ?? {},
      query: o.query ?? {},
      body: o.body,
      files: o.files,
      trx,
      audit: async () => undefined,
      baseUrl: 'http://test',
    }),
  );
}

export async function readStream(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  return Buffer.concat(chunks);
}
