/**
 * docs/generate-pdf and docs/export-excel.
 *
 * generate-pdf answers with the PDF bytes (Content-Type application/pdf) — what a user clicking
 * "Download PDF" expects — and always keeps a copy as a files/assets record
 * (source_module `docs`, source_id = the document id, or `template:<id>` for one-off renders).
 * With `save: true` and a document, the document's `file` points at that asset's download path.
 *
 * export-excel streams an .xlsx of a LOOP resource's rows (with the caller's list filters) or of rows
 * given in the body.
 */
import { z } from 'zod';
import type { Knex } from 'knex';
import { docsDocumentResource as documents, docsTemplateResource as templates } from '../../../generated/loop/server/docs.ts';
import { notFound, validation } from '../../http/api-error.ts';
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import type { ActionContext } from '../../runtime-api.ts';
import { renderPdf } from '../../effects/pdf/render-pdf.ts';
import { toBlocks } from '../../effects/pdf/text-blocks.ts';
import { toCell, xlsxFile } from '../../effects/xlsx/write-xlsx.ts';
import { T } from '../auth/loop-schema.ts';
import { companyIdOf, storeAsset } from '../files/assets.ts';
import { checkAccess, checkColumns, checkFilters, findResource, matchingRows, MAX_EXPORT_ROWS } from '../docs/export-source.ts';
import { renderTemplate } from '../docs/render-template.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';

const PDF = 'application/pdf';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface TemplateRow {
  id: number;
  name: string;
  body: string;
  format: 'html' | 'markdown';
  page_size: 'a4' | 'letter' | 'a5';
  orientation: 'portrait' | 'landscape';
}

async function loadTemplate(trx: Knex, company: number, id: number): Promise<TemplateRow> {
  const t = await trx(templates.table)
    .where({ id, company_id: company })
    .whereNull('deleted_at')
    .first('id', 'name', 'body', 'format', 'page_size', 'orientation');
  if (!t) throw notFound(`Template ${id} not found.`);
  return t as TemplateRow;
}

function safeFilename(name: string, ext: string): string {
  const base =
    name
      .replace(/\.[a-z0-9]{2,4}$/i, '')
      .replace(/[^\w .-]+/g, '_')
      .trim()
      .slice(0, 150) || 'document';
  return `${base}.${ext}`;
}

function objectOf(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') {
    try {
      return objectOf(JSON.parse(v));
    } catch {
      return {};
    }
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

async function generatePdf(a: LoopArgs<'docs.generatePdf'>) {
  const b = a.body;
  if (b.document === undefined && b.template === undefined)
    throw validation({ non_field_errors: ['Give a document, or a template with data.'] });
  const company = companyIdOf(a.ctx);
  let title: string;
  let tpl: TemplateRow | null = null;
  let source: string;
  let content: string | null = null;
  let data: Record<string, unknown> = objectOf(b.data);
  let sourceId: string;
  if (b.document !== undefined) {
    const doc = await a
      .trx(documents.table)
      .where({ id: b.document, company_id: company })
      .whereNull('deleted_at')
      .first('id', 'title', 'template_id', 'data', 'content');
    if (!doc) throw notFound(`Document ${b.document} not found.`);
    title = doc.title;
    // Body data overrides the document's saved values, so a caller can preview changes.
    data = { ...objectOf(doc.data), ...data };
    const tplId = b.template ?? doc.template_id;
    if (tplId != null) tpl = await loadTemplate(a.trx, company, Number(tplId));
    content = doc.content;
    sourceId = String(doc.id);
  } else {
    tpl = await loadTemplate(a.trx, company, b.template!);
    title = tpl.name;
    sourceId = `template:${tpl.id}`;
  }
  if (tpl) source = renderTemplate(tpl.body, data, { field: 'template', html: tpl.format === 'html' });
  else if (content) source = renderTemplate(content, data, { field: 'content', html: false });
  else throw validation({ document: ['The document has neither a template nor content to render.'] });
  if (b.save && b.document === undefined) throw validation({ save: ['save needs a document to store the PDF on.'] });

  const company_ = await a.trx(T.companies).where({ id: company }).first('name');
  const pdf = await renderPdf({
    title,
    blocks: toBlocks(source, tpl?.format ?? 'markdown'),
    pageSize: tpl?.page_size,
    orientation: tpl?.orientation,
    author: company_?.name,
    footer: company_?.name,
  });
  const filename = safeFilename(b.filename ?? title, 'pdf');
  const asset = await storeAsset(a.trx, a.ctx, {
    name: filename,
    contentType: PDF,
    buffer: pdf,
    folder: 'docs',
    sourceModule: 'docs',
    sourceId,
  });
  if (b.save && b.document !== undefined) {
    await a
      .trx(documents.table)
      .where({ id: b.document, company_id: company })
      .update({ file: `files/assets/${asset.id}/download/`, content: source, updated_at: new Date() });
  }
  await a.audit({
    action: 'generate-pdf',
    resource: a.action.id,
    recordId: b.document ?? null,
    changes: { asset: asset.id, template: tpl?.id ?? null, bytes: pdf.length, saved: !!b.save },
  });
  return { buffer: pdf, contentType: PDF, filename };
}

const ExcelBody = z.object({
  resource: z.string().optional(),
  filters: z.unknown().optional(),
  columns: z.unknown().optional(),
  rows: z.unknown().optional(),
  filename: z.string().optional(),
});

/** Rows as cells of the given columns, typed by the column's field type. */
async function* cellsOf(
  rows: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>,
  columns: readonly { key: string; type?: string }[],
) {
  for await (const r of rows) yield columns.map((c) => toCell(r[c.key], c.type));
}

async function exportExcel(a: ActionContext) {
  const b = ExcelBody.parse(a.body ?? {});
  if ((b.resource === undefined) === (b.rows === undefined))
    throw validation({ non_field_errors: ['Give either resource (with optional filters) or rows.'] });
  let result: { stream: NodeJS.ReadableStream; rows: number };
  if (b.resource !== undefined) {
    const d = findResource(b.resource);
    await checkAccess(a.trx, a.ctx, d);
    const filters = checkFilters(d, b.filters);
    const columns = checkColumns(d, b.columns);
    // Read inside the request's transaction, so the workbook is complete before the answer starts.
    result = await xlsxFile(
      columns.map((c) => c.key),
      cellsOf(matchingRows(a.trx, a.ctx, d, filters), columns),
    );
  } else {
    if (!Array.isArray(b.rows) || b.rows.some((r) => !r || typeof r !== 'object' || Array.isArray(r)))
      throw validation({ rows: ['Send a list of objects.'] });
    if (b.rows.length > MAX_EXPORT_ROWS) throw validation({ rows: [`At most ${MAX_EXPORT_ROWS} rows.`] });
    const keys =
      Array.isArray(b.columns) && b.columns.every((c) => typeof c === 'string')
        ? (b.columns as string[])
        : [...new Set((b.rows as Record<string, unknown>[]).flatMap((r) => Object.keys(r)))];
    result = await xlsxFile(
      keys,
      cellsOf(
        b.rows as Record<string, unknown>[],
        keys.map((key) => ({ key })),
      ),
    );
  }
  await a.audit({
    action: 'export-excel',
    resource: a.action.id,
    changes: { resource: b.resource ?? null, filters: b.filters ?? null, rows: result.rows },
  });
  return {
    stream: result.stream,
    contentType: XLSX,
    filename: safeFilename(b.filename ?? (b.resource ?? 'export').replace('.', '-'), 'xlsx'),
  };
}

export const docsHandlers = {
  'docs.generatePdf': generatePdf,
  'docs.exportExcel': exportExcel,
} satisfies Partial<LoopHandlers>;
