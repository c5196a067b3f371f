/**
 * Files (docs/api/platform-api.txt, "Files"): direct multipart upload, presigned slots (reserve → upload-put →
 * upload-complete), metadata, soft delete/trash/restore, versions, folders, search, stats, signed
 * URLs and downloads. Bytes go through LOOP's storage driver (runtime/platform/files/file-store.ts).
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { ApiError, badRequest, notFound, unauthorized, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { hasScope } from '../auth/scopes.ts';
import type { PlatformPrincipal } from '../auth/platform-auth-provider.ts';
import {
  FILE_VERSIONS,
  FILES,
  fileView,
  loadFile,
  MAX_SIGNED_TTL,
  signFileUrl,
  STALE_PENDING_MS,
  storage,
  verifyFileUrl,
  writeContent,
} from '../files/file-store.ts';
import { emitEvent } from '../webhooks/emit-event.ts';
import { rawUploadOf } from './raw-upload.ts';
import { variantOf } from './image-variants.ts';
import { resolveVariant } from './variant-spec.ts';
import { actorOf, asObject, bodyOf, param, tenantOf } from '../http/action-context.ts';

const MAX_BATCH = 100;
const ACCESS = ['private', 'public'];

function ids(a: ActionContext): string[] {
  const v = bodyOf(a).file_ids;
  if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string'))
    throw validation({ file_ids: ['must be a non-empty list of file ids'] });
  if (v.length > MAX_BATCH) throw validation({ file_ids: [`at most ${MAX_BATCH} ids`] });
  return v as string[];
}

function theUpload(a: ActionContext) {
  const f = a.files?.find((x) => x.field === 'file') ?? a.files?.[0];
  if (!f) throw validation({ file: ['send the content as a multipart/form-data part named "file"'] });
  return f;
}

/** upload-put: the raw request body (runtime/platform/files/raw-upload.ts), or a multipart `file` part. */
function theSlotContent(a: ActionContext): { buffer: Buffer; contentType: string | null } {
  const raw = rawUploadOf(a);
  if (raw) return raw;
  const f = a.files?.find((x) => x.field === 'file') ?? a.files?.[0];
  if (!f) {
    throw validation({
      file: [
        "send the content as the raw request body (Content-Type: application/octet-stream or the file's type) " +
          'or as a multipart/form-data part named "file"',
      ],
    });
  }
  return { buffer: f.buffer, contentType: f.contentType || null };
}

/** Paging from the query, or from the JSON body of a POST search. */
function page(a: ActionContext) {
  const q = { ...a.query, ...bodyOf(a) };
  const limit = Math.min(Math.max(Number(q.limit) || 50, 1), 100);
  const offset = Math.max(Number(q.cursor ?? q.offset) || 0, 0);
  return { limit, offset };
}

async function paged(q: () => any, a: ActionContext) {
  const { limit, offset } = page(a);
  const rows = await q().clone().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset);
  const total = Number((await q().clone().count({ n: '*' }).first())?.n ?? 0);
  return { results: rows.map(fileView), next_cursor: offset + rows.length < total ? String(offset + rows.length) : null, total };
}

function metaPatch(b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (b.filename !== undefined) {
    if (typeof b.filename !== 'string' || !b.filename.trim()) throw validation({ filename: ['must be a non-empty string'] });
    out.filename = b.filename.trim();
  }
  if (b.access !== undefined) {
    if (!ACCESS.includes(String(b.access))) throw validation({ access: ['must be private or public'] });
    out.access = b.access;
  }
  if (b.folder !== undefined) out.folder = String(b.folder || '/');
  if (b.meta !== undefined) out.meta = JSON.stringify(b.meta ?? {});
  if (b.object_type_id !== undefined) out.object_type_id = b.object_type_id === null ? null : String(b.object_type_id);
  if (b.object_id !== undefined) out.object_id = b.object_id === null ? null : String(b.object_id);
  return out;
}

/** Download by signed URL (`t`, `expires`, `token`) or by a caller with the files scope of the file's tenant. */
async function downloadTenant(a: ActionContext, fileId: string): Promise<number> {
  const q = a.query;
  if (q.token !== undefined || q.expires !== undefined) {
    const tenant = Number(q.t);
    if (!Number.isInteger(tenant) || !(await verifyFileUrl(a.trx, tenant, fileId, Number(q.expires), String(q.token ?? '')))) {
      throw new ApiError(403, 'invalid_signature', 'The signed URL is invalid or has expired.');
    }
    return tenant;
  }
  const p = a.ctx.principal as PlatformPrincipal | null;
  if (!p) throw unauthorized('Send a Bearer key with the files scope, or use a signed URL (POST /v1/files/:id/signed-url).');
  if (!hasScope(p.scopes, 'files')) throw new ApiError(403, 'insufficient_scope', 'This key lacks the files scope.');
  return p.tenantId;
}

export const fileActions = {
  uploadFile: async (a) => {
    const tenant = tenantOf(a);
    const up = theUpload(a);
    const b = bodyOf(a);
    const id = newId('file');
    await a.trx(FILES).insert({
      id,
      company_id: tenant,
      filename: up.filename || 'upload',
      content_type: up.contentType || 'application/octet-stream',
      size: 0,
      access: b.access ?? 'private',
      folder: b.folder ?? '/',
      meta: JSON.stringify({}),
      object_type_id: b.object_type_id ?? null,
      object_id: b.object_id ?? null,
      status: 'pending',
      version: 1,
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    await writeContent(a.trx, await loadFile(a.trx, tenant, id), up.buffer, up.contentType || 'application/octet-stream', T.tenants);
    const row = await loadFile(a.trx, tenant, id);
    await emitEvent(a.trx, tenant, 'file.uploaded', fileView(row));
    return { status: 201, body: fileView(row) };
  },
  getPresignedUploadUrl: async (a) => {
    const tenant = tenantOf(a);
    const q = bodyOf(a);
    const id = newId('file');
    const access = q.access === 'public' ? 'public' : 'private';
    await a.trx(FILES).insert({
      id,
      company_id: tenant,
      filename: String(q.filename ?? 'upload'),
      content_type: String(q.mime_type ?? q.content_type ?? 'application/octet-stream'),
      size: 0,
      access,
      folder: String(q.folder ?? '/'),
      meta: JSON.stringify(asObject(q.meta)),
      status: 'pending',
      version: 1,
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    return {
      body: {
        file_id: id,
        r2_key: null,
        storage_key: `platform/t${tenant}/${id}/v1`,
        upload_endpoint: `${a.baseUrl}/v1/files/${id}/upload-put`,
        expires_at: new Date(Date.now() + STALE_PENDING_MS).toISOString(),
      },
    };
  },
  uploadFileContentToPresignedSlot: async (a) => {
    const file = await loadFile(a.trx, tenantOf(a), param(a, 'file_id'));
    if (file.status !== 'pending') throw badRequest('This file is not a pending upload slot.', 'not_pending');
    const up = theSlotContent(a);
    // Bytes sent without a type of their own keep the type the slot was reserved with.
    await writeContent(a.trx, { ...file, status: 'pending' }, up.buffer, up.contentType || file.content_type, T.tenants);
    // Content is in place, the slot stays pending until upload-complete confirms it.
    await a.trx(FILES).where({ id: file.id }).update({ status: 'pending' });
    return { status: 201, body: fileView(await loadFile(a.trx, tenantOf(a), file.id)) };
  },
  confirmPresignedUpload: async (a) => {
    const tenant = tenantOf(a);
    const file = await loadFile(a.trx, tenant, param(a, 'file_id'));
    if (file.status === 'ready') return { body: fileView(file) };
    if (!file.storage_key) throw badRequest('No content was uploaded to this slot yet (POST upload-put first).', 'upload_missing');
    await a.trx(FILES).where({ id: file.id }).update({ status: 'ready', updated_at: a.trx.fn.now() });
    const row = await loadFile(a.trx, tenant, file.id);
    await emitEvent(a.trx, tenant, 'file.uploaded', fileView(row));
    return { body: fileView(row) };
  },
  cleanStaleUploads: async (a) => {
    const tenant = tenantOf(a);
    const stale = await a
      .trx(FILES)
      .where({ company_id: tenant, status: 'pending' })
      .where('created_at', '<', new Date(Date.now() - STALE_PENDING_MS))
      .select('id', 'storage_key');
    for (const s of stale) if (s.storage_key) await storage().delete(s.storage_key);
    if (stale.length)
      await a
        .trx(FILES)
        .whereIn(
          'id',
          stale.map((s) => s.id),
        )
        .delete();
    return { body: { cleaned: stale.length } };
  },
  getFileMetadata: async (a) => ({ body: fileView(await loadFile(a.trx, tenantOf(a), param(a, 'file_id'))) }),
  updateFileMetadata: async (a) => {
    const tenant = tenantOf(a);
    const file = await loadFile(a.trx, tenant, param(a, 'file_id'));
    const patch = metaPatch(bodyOf(a));
    if (Object.keys(patch).length)
      await a
        .trx(FILES)
        .where({ id: file.id })
        .update({ ...patch, updated_at: a.trx.fn.now() });
    const row = fileView(await loadFile(a.trx, tenant, file.id));
    await emitEvent(a.trx, tenant, 'file.updated', row);
    return { body: row };
  },
  deleteFile: async (a) => {
    const tenant = tenantOf(a);
    const file = await loadFile(a.trx, tenant, param(a, 'file_id'));
    await a.trx(FILES).where({ id: file.id }).update({ deleted_at: a.trx.fn.now(), updated_at: a.trx.fn.now() });
    await emitEvent(a.trx, tenant, 'file.deleted', { id: file.id, filename: file.filename });
    return { body: { file_id: file.id, deleted: true } };
  },
  restoreDeletedFile: async (a) => {
    const tenant = tenantOf(a);
    const file = await loadFile(a.trx, tenant, param(a, 'file_id'), { deleted: true });
    await a.trx(FILES).where({ id: file.id }).update({ deleted_at: null, updated_at: a.trx.fn.now() });
    return { body: fileView(await loadFile(a.trx, tenant, file.id)) };
  },
  listTrashedFiles: async (a) => ({
    body: await paged(
      () =>
        a
          .trx(FILES)
          .where({ company_id: tenantOf(a) })
          .whereNotNull('deleted_at'),
      a,
    ),
  }),
  searchFiles: async (a) => {
    const q = { ...a.query, ...bodyOf(a) };
    const tenant = tenantOf(a);
    const base = () => {
      const b = a.trx(FILES).where({ company_id: tenant }).whereNull('deleted_at');
      if (q.mime_type || q.content_type) b.where('content_type', 'like', `${String(q.mime_type ?? q.content_type).replace(/\*$/, '')}%`);
      if (q.access) b.where({ access: String(q.access) });
      if (q.folder) b.where({ folder: String(q.folder) });
      if (q.filename || q.q) b.whereRaw('lower(filename) like ?', [`%${String(q.filename ?? q.q).toLowerCase()}%`]);
      if (q.object_type_id) b.where({ object_type_id: String(q.object_type_id) });
      if (q.object_id) b.where({ object_id: String(q.object_id) });
      if (q.created_after) b.where('created_at', '>=', new Date(String(q.created_after)));
      if (q.created_before) b.where('created_at', '<', new Date(String(q.created_before)));
      return b;
    };
    return { body: await paged(base, a) };
  },
  listFileVersions: async (a) => {
    const file = await loadFile(a.trx, tenantOf(a), param(a, 'file_id'));
    const older = await a.trx(FILE_VERSIONS).where({ file_id: file.id }).orderBy('version', 'desc');
    const current = {
      version: Number(file.version),
      size: Number(file.size),
      content_type: file.content_type,
      sha256: file.sha256,
      current: true,
      created_at: fileView(file).updated_at,
    };
    return {
      body: [
        current,
        ...older.map((v) => ({
          version: Number(v.version),
          size: Number(v.size),
          content_type: v.content_type,
          sha256: v.sha256,
          current: false,
          created_at: fileView(v).created_at,
        })),
      ],
    };
  },
  listFolders: async (a) => {
    const { limit, offset } = page(a);
    const rows = await a
      .trx(FILES)
      .where({ company_id: tenantOf(a) })
      .whereNull('deleted_at')
      .groupBy('folder')
      .orderBy('folder')
      .select('folder')
      .count({ count: '*' })
      .sum({ size: 'size' })
      .limit(limit)
      .offset(offset);
    return { body: (rows as Record<string, any>[]).map((r) => ({ folder: r.folder, count: Number(r.count), size: Number(r.size ?? 0) })) };
  },
  storageStatistics: async (a) => {
    const tenant = tenantOf(a);
    const live = await a.trx(FILES).where({ company_id: tenant }).whereNull('deleted_at').count({ n: '*' }).sum({ bytes: 'size' }).first();
    const trash = await a
      .trx(FILES)
      .where({ company_id: tenant })
      .whereNotNull('deleted_at')
      .count({ n: '*' })
      .sum({ bytes: 'size' })
      .first();
    const byType = await a
      .trx(FILES)
      .where({ company_id: tenant })
      .whereNull('deleted_at')
      .groupBy('content_type')
      .orderBy('content_type')
      .select('content_type')
      .count({ n: '*' })
      .sum({ bytes: 'size' });
    const t = await a.trx(T.tenants).where({ id: tenant }).first('used_storage_bytes', 'plan_tier');
    return {
      body: {
        file_count: Number(live?.n ?? 0),
        total_bytes: Number(live?.bytes ?? 0),
        trashed_count: Number(trash?.n ?? 0),
        trashed_bytes: Number(trash?.bytes ?? 0),
        used_storage_bytes: Number(t?.used_storage_bytes ?? 0),
        plan_tier: t?.plan_tier ?? 'free',
        storage_driver: storage().driver,
        by_content_type: (byType as Record<string, any>[]).map((r) => ({
          content_type: r.content_type,
          count: Number(r.n),
          bytes: Number(r.bytes ?? 0),
        })),
      },
    };
  },
  generateSignedUrl: async (a) => {
    const tenant = tenantOf(a);
    const file = await loadFile(a.trx, tenant, param(a, 'file_id'));
    const ttl = Math.min(Math.max(Number(bodyOf(a).expires_in) || 3600, 1), MAX_SIGNED_TTL);
    const expires = Math.floor(Date.now() / 1000) + ttl;
    const token = await signFileUrl(a.trx, tenant, file.id, expires);
    return {
      body: {
        url: `${a.baseUrl}/v1/files/${file.id}/content?t=${tenant}&expires=${expires}&token=${token}`,
        expires_at: new Date(expires * 1000).toISOString(),
        ttl,
      },
    };
  },
  downloadFileContent: async (a) => {
    const id = param(a, 'file_id');
    const tenant = await downloadTenant(a, id);
    const file = await loadFile(a.trx, tenant, id);
    if (file.status !== 'ready' || !file.storage_key) throw notFound('This file has no content yet (pending upload).');
    return { stream: await storage().get(file.storage_key), contentType: file.content_type, filename: file.filename };
  },
  /** Resized/converted renderings (runtime/platform/files/image-variants.ts), cached in storage, with a content ETag. */
  getImageVariant: async (a) => {
    const file = await loadFile(a.trx, tenantOf(a), param(a, 'file_id'));
    if (!String(file.content_type).startsWith('image/')) throw badRequest('Variants exist only for image files.', 'not_an_image');
    if (file.status !== 'ready' || !file.storage_key) throw notFound('This file has no content yet (pending upload).');
    const spec = resolveVariant(param(a, 'variant'), a.query, String(file.content_type));
    const headers = { 'Cache-Control': 'private, no-cache' };
    if (spec.passthrough) {
      const stream = await storage().get(file.storage_key);
      return {
        stream,
        contentType: file.content_type,
        headers: file.sha256 ? { ...headers, ETag: `"${String(file.sha256).slice(0, 32)}"` } : headers,
      };
    }
    const v = await variantOf(file, spec);
    return { buffer: v.bytes, contentType: v.contentType, headers: { ...headers, ETag: v.etag, 'X-Variant-Cache': v.cache } };
  },
  batchReadFileMetadata: async (a) => {
    const rows = await a
      .trx(FILES)
      .where({ company_id: tenantOf(a) })
      .whereNull('deleted_at')
      .whereIn('id', ids(a));
    return { body: rows.map(fileView) };
  },
  batchUpdateFileMetadata: async (a) => {
    const b = bodyOf(a);
    const patch = metaPatch({ access: b.access, folder: b.folder });
    const n = Object.keys(patch).length
      ? await a
          .trx(FILES)
          .where({ company_id: tenantOf(a) })
          .whereNull('deleted_at')
          .whereIn('id', ids(a))
          .update({ ...patch, updated_at: a.trx.fn.now() })
      : 0;
    return { body: { updated: n } };
  },
  batchDeleteFiles: async (a) => {
    const want = ids(a);
    const rows = await a
      .trx(FILES)
      .where({ company_id: tenantOf(a) })
      .whereNull('deleted_at')
      .whereIn('id', want)
      .select('id');
    const found = rows.map((r) => r.id as string).sort();
    if (found.length) await a.trx(FILES).whereIn('id', found).update({ deleted_at: a.trx.fn.now(), updated_at: a.trx.fn.now() });
    return { body: { deleted: found, count: found.length, not_found: want.filter((x) => !found.includes(x)) } };
  },
} satisfies Record<string, ActionHandler>;
