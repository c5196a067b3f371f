/**
 * Storing a file as a files/assets record: bytes go to the configured storage under
 * `c<company>/<uuid>`, the row keeps the key, content type, size and SHA-256. Used by uploads
 * and by generated documents (docs/generate-pdf).
 * The object is written before the row; if the row insert fails the object is removed again.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { filesFileAssetResource as assets } from '../../../generated/loop/server/files.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { forbidden } from '../../http/api-error.ts';
import type { RequestContext } from '../../runtime-api.ts';
import { storageFromEnv } from '../../effects/storage/storage.ts';

export const ASSETS = assets;

export interface NewAsset {
  readonly name: string;
  readonly contentType: string;
  readonly buffer: Buffer;
  readonly folder?: string | null;
  readonly visibility?: 'private' | 'company' | 'public';
  readonly sourceModule?: string | null;
  readonly sourceId?: string | null;
  readonly tags?: unknown;
  readonly workspace?: number | null;
  readonly expiresAt?: string | null;
}

export function companyIdOf(ctx: RequestContext): number {
  if (!ctx.tenant) throw forbidden('No company selected for this request.', 'tenant_required');
  return ctx.tenant.companyId;
}

export function userIdOf(ctx: RequestContext): number | null {
  const id = ctx.principal?.userId;
  return id === undefined || id === null ? null : Number(id);
}

/** Stores the bytes and inserts the asset row; returns the row in wire form. */
export async function storeAsset(trx: Knex, ctx: RequestContext, a: NewAsset): Promise<Record<string, unknown>> {
  const company = companyIdOf(ctx);
  const key = `c${company}/${randomUUID()}`;
  const storage = storageFromEnv();
  await storage.put(key, a.buffer, a.contentType);
  try {
    const now = new Date();
    const [row] = await trx(assets.table)
      .insert({
        company_id: company,
        workspace_id: a.workspace ?? null,
        file: key,
        name: a.name.slice(0, 255),
        content_type: a.contentType.slice(0, 100),
        size_bytes: a.buffer.length,
        checksum: createHash('sha256').update(a.buffer).digest('hex'),
        folder: a.folder ?? null,
        visibility: a.visibility ?? 'private',
        source_module: a.sourceModule ?? null,
        source_id: a.sourceId ?? null,
        tags: JSON.stringify(a.tags ?? []),
        expires_at: a.expiresAt ?? null,
        created_by: userIdOf(ctx),
        created_at: now,
        updated_at: now,
      })
      .returning('*');
    return codecOf(assets).toWire(row as Record<string, unknown>);
  } catch (err) {
    await storage.delete(key).catch(() => undefined);
    throw err;
  }
}
