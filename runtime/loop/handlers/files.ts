/**
 * files/assets: multipart upload (the resource's create, routed here by the catalogue's
 * `handlers: { create: files.createAsset }`) and streamed download with the stored content type.
 * The upload's form fields are the resource's writable fields (name, folder, visibility, …), already
 * validated by the create schema; the file part may use any field name (`file` by convention),
 * exactly one is accepted. The stored key replaces the `file` value the plumbing filled with the filename.
 */
import { z } from 'zod';
import { ApiError, validation } from '../../http/api-error.ts';
import { zodToFieldErrors } from '../../http/to-api-error.ts';
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import { checkKey, storageFromEnv } from '../../effects/storage/storage.ts';
import { ASSETS, companyIdOf, storeAsset } from '../files/assets.ts';
import { baseType, checkUpload, uploadLimits } from '../files/upload-limits.ts';

/** Multipart fields arrive as strings; this reads them like the JSON create body would. */
const FormFields = z.object({
  name: z.string().min(1).max(255).optional(),
  folder: z.string().max(300).nullable().optional(),
  visibility: z.enum(['private', 'company', 'public']).optional(),
  source_module: z.string().max(50).nullable().optional(),
  source_id: z.string().max(64).nullable().optional(),
  workspace: z.coerce.number().int().positive().nullable().optional(),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
  tags: z
    .preprocess(
      (v) => {
        if (typeof v !== 'string') return v;
        try {
          return JSON.parse(v);
        } catch {
          return v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
        }
      },
      z.array(z.string().max(100)).max(50),
    )
    .optional(),
});

export const filesHandlers = {
  'files.createAsset': async (a) => {
    const files = a.files ?? [];
    if (files.length === 0) throw validation({ file: ['No file was submitted. Send multipart/form-data with a "file" part.'] });
    if (files.length > 1) throw validation({ file: ['Send exactly one file per request.'] });
    const file = files[0]!;
    checkUpload(file, uploadLimits());
    const parsed = FormFields.safeParse(a.body ?? {});
    if (!parsed.success) throw validation(zodToFieldErrors(parsed.error));
    const f = parsed.data;
    const record = await storeAsset(a.trx, a.ctx, {
      name: f.name ?? file.filename,
      contentType: baseType(file.contentType),
      buffer: file.buffer,
      folder: f.folder,
      visibility: f.visibility,
      sourceModule: f.source_module,
      sourceId: f.source_id,
      tags: f.tags,
      workspace: f.workspace,
      expiresAt: f.expires_at,
    });
    // The CRUD handler plumbing (runtime/crud/crud-handler.ts) writes the create audit row from this body.
    return { status: 201, body: record };
  },

  'files.download': async (a) => {
    // run-action already loaded the row in the caller's tenant (404 otherwise); read the columns we need.
    const row = (await a
      .trx(ASSETS.table)
      .where({ id: Number(a.params.id), company_id: companyIdOf(a.ctx) })
      .whereNull('deleted_at')
      .first('file', 'name', 'content_type', 'expires_at')) as
      { file: string; name: string; content_type: string | null; expires_at: Date | string | null } | undefined;
    if (!row) throw new ApiError(404, 'not_found', 'Not found.');
    if (row.expires_at && new Date(row.expires_at).getTime() <= Date.now())
      throw new ApiError(410, 'file_expired', 'This file has expired.');
    // The key is a column a JSON update can rewrite: only a key this company's uploads could have made
    // (`c<company>/…`, storage-safe) is read, so a row can never be pointed at another tenant's bytes.
    if (!ownStorageKey(row.file, companyIdOf(a.ctx))) throw new ApiError(404, 'not_found', 'This file has no stored content.');
    const stream = await storageFromEnv().get(row.file);
    return { stream, contentType: row.content_type || 'application/octet-stream', filename: row.name };
  },
} satisfies Partial<LoopHandlers>;

function ownStorageKey(key: string, company: number): boolean {
  if (typeof key !== 'string' || !key.startsWith(`c${company}/`)) return false;
  try {
    checkKey(key);
    return true;
  } catch {
    return false;
  }
}
