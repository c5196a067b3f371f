/**
 * Bulk data (docs/api/platform-api.txt, "Data") and form submission exports.
 * - import: up to 10,000 rows from inline JSON (`data: [{…}]`), inline CSV (`format: csv`, `data:
 *   "<csv text>"`) or an uploaded `file` part (CSV or JSON); every row is validated like a created
 *   object, good rows are imported and bad rows reported by row number (partial import, as the document's
 *   `{imported, errors, total}` answer implies).
 * - export: written at once (up to 100,000 objects) to the storage driver as CSV or JSON, recorded as
 *   a pf_records row (kind `data_exports`) and downloaded from /v1/data/export/:export_id.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { notFound, validation } from '../../http/api-error.ts';
import { ApiError } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { insertObject, loadType, objects, propertiesOf } from '../objects/object-store.ts';
import { propertyType } from '../objects/property-types.ts';
import { storage } from '../files/file-store.ts';
import { actorOf, bodyOf, param, tenantOf } from '../http/action-context.ts';

const MAX_IMPORT = 10_000;
const MAX_EXPORT = 100_000;
const FORMATS = ['json', 'csv'];

function csvRows(text: string): Record<string, unknown>[] {
  try {
    return parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, unknown>[];
  } catch (e) {
    throw validation({ data: [`is not valid CSV: ${(e as Error).message}`] });
  }
}

function rowsOf(a: ActionContext): Record<string, unknown>[] {
  const b = bodyOf(a);
  const file = a.files?.find((f) => f.field === 'file') ?? a.files?.[0];
  const format = String(
    b.format ?? (file && /\.csv$/i.test(file.filename) ? 'csv' : file?.contentType.includes('csv') ? 'csv' : 'json'),
  ).toLowerCase();
  if (!FORMATS.includes(format)) throw validation({ format: ['must be json or csv'] });
  const raw: unknown = file ? file.buffer.toString('utf8') : b.data;
  if (raw === undefined) throw validation({ data: ['send rows in data (JSON list or CSV text) or as a file part'] });
  let rows: unknown;
  if (format === 'csv') rows = csvRows(String(raw));
  else if (typeof raw === 'string') {
    try {
      rows = JSON.parse(raw);
    } catch {
      throw validation({ data: ['is not valid JSON'] });
    }
  } else rows = raw;
  if (!Array.isArray(rows)) throw validation({ data: ['must be a list of rows'] });
  if (rows.length > MAX_IMPORT) throw validation({ data: [`at most ${MAX_IMPORT} rows per import`] });
  return rows as Record<string, unknown>[];
}

/** CSV cells are text: turn them into the property's type before validation. */
/** CSV cells are text: each is read as its property's type reads text (property-types.ts `fromText`). */
function coerce(types: Map<string, string>, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (typeof v !== 'string') {
      out[k] = v;
      continue;
    }
    if (v === '') continue;
    const fromText = propertyType(types.get(k) ?? '')?.fromText;
    out[k] = fromText ? fromText(v) : v;
  }
  return out;
}

export function toCsv(rows: Record<string, unknown>[], columns: string[]): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return stringify(
    rows.map((r) => columns.map((c) => cell(r[c]))),
    { header: true, columns },
  );
}

export const importExportActions = {
  importData: async (a) => {
    const tenant = tenantOf(a);
    const b = bodyOf(a);
    if (!b.object_type_id) throw validation({ object_type_id: ['is required'] });
    const type = await loadType(a.trx, tenant, String(b.object_type_id));
    const rows = rowsOf(a);
    const types = new Map((await propertiesOf(a.trx, type.id)).map((p) => [p.name, p.data_type as string]));
    const errors: { row: number; message: string; fields?: unknown }[] = [];
    let imported = 0;
    for (const [i, r] of rows.entries()) {
      if (!r || typeof r !== 'object' || Array.isArray(r)) {
        errors.push({ row: i + 1, message: 'row must be an object' });
        continue;
      }
      const props = 'properties' in r && r.properties && typeof r.properties === 'object' ? (r.properties as Record<string, unknown>) : r;
      try {
        await insertObject(a.trx, tenant, type, coerce(types, props), actorOf(a));
        imported++;
      } catch (e) {
        if (!(e instanceof ApiError) || e.status >= 500) throw e;
        errors.push({ row: i + 1, message: e.message, fields: e.fields });
      }
    }
    return { body: { imported, errors, total: rows.length, object_type_id: type.id } };
  },
  startDataExport: async (a) => {
    const tenant = tenantOf(a);
    const b = bodyOf(a);
    if (!b.object_type_id) throw validation({ object_type_id: ['is required'] });
    const format = String(b.format ?? 'json').toLowerCase();
    if (!FORMATS.includes(format)) throw validation({ format: ['must be json or csv'] });
    const type = await loadType(a.trx, tenant, String(b.object_type_id));
    const rows: Record<string, any>[] = await objects(a.trx, tenant, type.id)
      .whereNull('deleted_at')
      .orderBy('created_at')
      .orderBy('id')
      .limit(MAX_EXPORT + 1);
    if (rows.length > MAX_EXPORT)
      throw validation({ object_type_id: [`has more than ${MAX_EXPORT} objects; export with filters is not available yet`] });
    const flat = rows.map((r) => ({
      id: r.id,
      created_at: new Date(r.created_at).toISOString(),
      updated_at: new Date(r.updated_at).toISOString(),
      ...(r.properties ?? {}),
    }));
    const props = (await propertiesOf(a.trx, type.id)).map((p) => p.name);
    const content =
      format === 'csv'
        ? toCsv(flat, ['id', ...props, 'created_at', 'updated_at'])
        : JSON.stringify(
            rows.map((r) => ({
              id: r.id,
              properties: r.properties ?? {},
              created_at: new Date(r.created_at).toISOString(),
              updated_at: new Date(r.updated_at).toISOString(),
            })),
          );
    const id = newId('exp');
    const key = `platform/t${tenant}/exports/${id}.${format}`;
    await storage().put(key, Buffer.from(content, 'utf8'), format === 'csv' ? 'text/csv' : 'application/json');
    const filename = `${type.name}-${id}.${format}`;
    await a.trx(T.records).insert({
      id,
      company_id: tenant,
      kind: 'data_exports',
      parent_id: type.id,
      data: JSON.stringify({ format, record_count: rows.length, storage_key: key, filename, status: 'completed' }),
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    return {
      status: 201,
      body: { export_id: id, format, record_count: rows.length, status: 'completed', download_path: `/v1/data/export/${id}` },
    };
  },
  downloadExport: async (a) => {
    const row = await a
      .trx(T.records)
      .where({ company_id: tenantOf(a), kind: 'data_exports', id: param(a, 'export_id') })
      .first();
    if (!row) throw notFound('Export not found.');
    const d = row.data as { format: string; storage_key: string; filename: string };
    return {
      stream: await storage().get(d.storage_key),
      contentType: d.format === 'csv' ? 'text/csv' : 'application/json',
      filename: d.filename,
    };
  },
} satisfies Record<string, ActionHandler>;
