/**
 * Platform files: metadata rows in pf_files (soft delete, versions in pf_file_versions) and bytes in
 * LOOP's storage driver (runtime/effects/storage, `LOOP_STORAGE_DRIVER` / `LOOP_STORAGE_DIR`) under
 * `platform/t<tenant>/<file id>/v<version>`. A new upload of the same file keeps the old bytes as a
 * version; deleting only marks the row, so restore brings the bytes back.
 *
 * Signed URLs are HMAC-SHA256 over `<file id>.<expires>` with a per-tenant key kept in pf_settings
 * (name `file_url_key`, never answered by any settings endpoint). The URL carries `t=<tenant>` so the
 * public download can find the key without a Bearer token.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import { storageFromEnv, type Storage } from '../../effects/storage/storage.ts';
import { notFound } from '../../http/api-error.ts';
import { newId } from '../../security/random-ids.ts';
import { T } from '../tables.ts';
import { tenantPublicId } from '../tenants/public-id.ts';

export const FILES = T.files;
export const FILE_VERSIONS = T.fileVersions;
export const MAX_SIGNED_TTL = 7 * 24 * 3600;
export const STALE_PENDING_MS = 24 * 3600 * 1000;

export function storage(): Storage {
  return storageFromEnv();
}

export function storageKey(tenant: number, fileId: string, version: number): string {
  return `platform/t${tenant}/${fileId}/v${version}`;
}

export const sha256Of = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));

export function fileView(r: Record<string, any>): Record<string, unknown> {
  return {
    id: r.id,
    tenant_id: tenantPublicId(r.company_id),
    filename: r.filename,
    content_type: r.content_type,
    size: Number(r.size ?? 0),
    sha256: r.sha256 ?? null,
    access: r.access,
    folder: r.folder,
    meta: r.meta ?? {},
    object_type_id: r.object_type_id ?? null,
    object_id: r.object_id ?? null,
    status: r.status,
    version: Number(r.version ?? 1),
    created_by: r.created_by ?? null,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    deleted_at: iso(r.deleted_at),
  };
}

export async function loadFile(db: Knex, tenant: number, id: string, opts: { deleted?: boolean } = {}): Promise<Record<string, any>> {
  const q = db(FILES).where({ company_id: tenant, id });
  const row = await (opts.deleted ? q.whereNotNull('deleted_at') : q.whereNull('deleted_at')).first();
  if (!row) throw notFound(opts.deleted ? 'No deleted file with this id.' : 'File not found.');
  return row;
}

/** Stores `data` as the next version of `file` (or its first) and updates the row and tenant usage. */
export async function writeContent(
  db: Knex,
  file: Record<string, any>,
  data: Buffer,
  contentType: string,
  tenantsTable: string,
): Promise<void> {
  const tenant = Number(file.company_id);
  const hasContent = file.status === 'ready' && file.storage_key;
  const version = hasContent ? Number(file.version) + 1 : Number(file.version ?? 1);
  const key = storageKey(tenant, file.id, version);
  await storage().put(key, data, contentType);
  if (hasContent) {
    await db(FILE_VERSIONS).insert({
      id: newId('fv'),
      company_id: tenant,
      file_id: file.id,
      version: Number(file.version),
      size: file.size,
      content_type: file.content_type,
      sha256: file.sha256,
      storage_key: file.storage_key,
      created_at: db.fn.now(),
      updated_at: db.fn.now(),
    });
  }
  await db(FILES)
    .where({ id: file.id })
    .update({
      storage_key: key,
      size: data.length,
      sha256: sha256Of(data),
      content_type: contentType,
      version,
      status: 'ready',
      updated_at: db.fn.now(),
    });
  await db(tenantsTable).where({ id: tenant }).increment('used_storage_bytes', data.length);
}

async function urlKey(db: Knex, tenant: number): Promise<string> {
  const where = { company_id: tenant, name: 'file_url_key', owner: null };
  const row = await db(T.settings).where(where).first('value');
  if (row) return (row.value as { key: string }).key;
  const key = randomBytes(32).toString('base64url');
  await db(T.settings).insert({
    id: newId('set'),
    ...where,
    value: JSON.stringify({ key }),
    created_at: db.fn.now(),
    updated_at: db.fn.now(),
  });
  return key;
}

export async function signFileUrl(db: Knex, tenant: number, fileId: string, expires: number): Promise<string> {
  return createHmac('sha256', await urlKey(db, tenant))
    .update(`${fileId}.${expires}`)
    .digest('base64url');
}

export async function verifyFileUrl(db: Knex, tenant: number, fileId: string, expires: number, token: string): Promise<boolean> {
  if (!Number.isFinite(expires) || expires * 1000 <= Date.now()) return false;
  const expected = Buffer.from(await signFileUrl(db, tenant, fileId, expires));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
