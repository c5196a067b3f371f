/**
 * Form operations beyond CRUD (docs/api/platform-api.txt, "Forms"): duplicate, submission export (CSV/JSON), analytics, and the
 * public form (read and submit without a key; submissions are pf_records rows of kind `form_submissions`, and a
 * submission creates an object in the form's linked type).
 */
import { limitFormSubmit } from './submit-rate-limit.ts';
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { type FieldErrors, conflict, isApiError, notFound, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { actorOf, bodyOf, iso, param, parseJson, tenantOf } from '../http/action-context.ts';
import { toCsv } from '../data/import-export.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { formsFormResource } from '../../../generated/platform/server/forms.ts';
import { tenantNamed } from '../tenants/tenant-info.ts';
import { insertObject, objectView } from '../objects/object-store.ts';
import { publish } from '../automation/publish.ts';
import { type FormField, checkSubmission, formFields } from './form-fields.ts';

// Answers carry the form as GET /v1/forms lists it (catalogue columns, no tenancy columns).
const formCodec = codecOf(formsFormResource);

async function formOf(a: ActionContext) {
  const row = await a
    .trx(T.forms)
    .where({ company_id: tenantOf(a), id: param(a, 'form_id') })
    .first();
  if (!row) throw notFound('Form not found.');
  return row;
}

/** The object type's errors (`properties.<property>`) under the form's field names, as the submitter knows them. */
function byFieldName(errors: FieldErrors, fields: readonly FormField[]): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    const prop = k.startsWith('properties.') ? k.slice('properties.'.length) : k;
    out[fields.find((f) => f.property === prop)?.name ?? prop] = v;
  }
  return out;
}

const submissions = (a: ActionContext, formId: string) =>
  a.trx(T.records).where({ company_id: tenantOf(a), kind: 'form_submissions', parent_id: formId });

export const formActions = {
  duplicateForm: async (a) => {
    const f = await formOf(a);
    const id = newId('form');
    const json = (v: unknown) => (v === null || v === undefined ? v : JSON.stringify(v));
    await a.trx(T.forms).insert({
      id,
      company_id: f.company_id,
      name: `${f.name ?? 'Form'} (copy)`,
      object_type_id: f.object_type_id,
      fields: json(f.fields),
      settings: json(f.settings),
      status: f.status,
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    const [row] = await a.trx(T.forms).where({ id }).select(formCodec.select(a.trx));
    return { status: 201, body: { ...formCodec.toWire(row), duplicated_from: f.id } };
  },
  exportFormSubmissions: async (a) => {
    const f = await formOf(a);
    const format = String(a.query.format ?? 'csv').toLowerCase();
    if (format !== 'csv' && format !== 'json') throw validation({ format: ['must be csv or json'] });
    const rows = await submissions(a, f.id).orderBy('created_at').orderBy('id');
    const flat = rows.map((r) => ({
      submission_id: r.id,
      submitted_at: iso(r.created_at),
      ...((r.data?.data ?? {}) as Record<string, unknown>),
    }));
    if (format === 'json')
      return { buffer: Buffer.from(JSON.stringify(flat)), contentType: 'application/json', filename: `form-${f.id}-submissions.json` };
    // Columns: the form's declared fields first, then any other key a submission carried.
    const declared = (Array.isArray(f.fields) ? f.fields : []).map((x: any) => String(x?.name ?? x?.key ?? '')).filter(Boolean);
    const seen = [...new Set(flat.flatMap((r) => Object.keys(r)))]
      .filter((k) => k !== 'submission_id' && k !== 'submitted_at' && !declared.includes(k))
      .sort();
    return {
      buffer: Buffer.from(toCsv(flat, ['submission_id', 'submitted_at', ...declared, ...seen])),
      contentType: 'text/csv',
      filename: `form-${f.id}-submissions.csv`,
    };
  },
  getFormAnalytics: async (a) => {
    const f = await formOf(a);
    const total = Number((await submissions(a, f.id).count({ n: '*' }).first())?.n ?? 0);
    const byDay = await submissions(a, f.id)
      .select(a.trx.raw("to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day"))
      .count({ n: '*' })
      .groupByRaw('1')
      .orderByRaw('1');
    const last = await submissions(a, f.id).orderBy('created_at', 'desc').first('created_at');
    return {
      body: {
        form_id: f.id,
        total_submissions: total,
        last_submission_at: iso(last?.created_at ?? null),
        submissions_by_day: (byDay as Record<string, any>[]).map((r) => ({ day: r.day, count: Number(r.n) })),
        // Views of the public form are not counted (no view tracking), so no conversion rate is claimed.
        views: null,
      },
    };
  },
  /** Public: the form of the tenant named by `?tenant_id=` (public id, slug or number); inactive forms are not shown. */
  getPublicForm: async (a) => {
    const tenant = await tenantNamed(a, String(a.query.tenant_id ?? ''));
    const row = tenant
      ? await a
          .trx(T.forms)
          .where({ id: param(a, 'id'), company_id: tenant.id })
          .first()
      : undefined;
    if (!row || (row.status ?? 'active') !== 'active') throw notFound('Form not found.');
    const settings = (parseJson(row.settings) ?? {}) as Record<string, unknown>;
    const branding = await a.trx(T.settings).where({ company_id: tenant.id, owner: null, name: 'branding' }).first('value');
    return {
      body: {
        form_id: row.id,
        name: row.name,
        description: typeof settings.description === 'string' ? settings.description : null,
        object_type_id: row.object_type_id ?? null,
        fields: parseJson(row.fields) ?? [],
        settings,
        branding: parseJson(branding?.value) ?? {},
        require_captcha: settings.require_captcha === true,
      },
    };
  },
  /**
   * Public: validates the submission against the form's fields (form-fields.ts; 400 naming each
   * field), then in the request's one transaction records the submission, creates the object in the
   * linked type (when the form has one) and appends `object.created` and `form.submitted`.
   * Without declared fields, every submitted key goes to the object and the object type validates it.
   * Rate-limited per form and client IP (submit-rate-limit.ts).
   */
  submitPublicForm: async (a) => {
    // Counted before the form is read, so probing form ids is limited too.
    await limitFormSubmit(a, param(a, 'form_id'));
    const form = await a
      .trx(T.forms)
      .where({ id: param(a, 'form_id') })
      .first();
    if (!form || (form.status ?? 'active') !== 'active') throw notFound('Form not found.');
    const tenant = Number(form.company_id);
    const data = bodyOf(a);
    const fields = formFields(parseJson(form.fields));
    const checked = fields.length ? checkSubmission(fields, data) : { errors: {}, properties: data };
    if (Object.keys(checked.errors).length) throw validation(checked.errors, 'The submission does not fit the form.');
    let object: Record<string, unknown> | null = null;
    if (form.object_type_id) {
      const type = await a
        .trx(T.objectTypes)
        .where({ company_id: tenant })
        .andWhere((q) => q.where({ id: form.object_type_id }).orWhere({ name: form.object_type_id }))
        .first('id', 'name', 'display_name');
      if (!type)
        throw conflict('This form is linked to an object type that does not exist; it cannot take submissions.', 'form_not_configured');
      try {
        object = objectView(await insertObject(a.trx, tenant, type, checked.properties, null));
      } catch (e) {
        throw isApiError(e) && e.fields ? validation(byFieldName(e.fields, fields), 'The submission does not fit the form.') : e;
      }
    }
    const id = newId('sub');
    await a.trx(T.records).insert({
      id,
      company_id: tenant,
      kind: 'form_submissions',
      parent_id: form.id,
      data: JSON.stringify({ data, object_id: object?.id ?? null }),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    if (object) await publish(a.trx, tenant, 'object.created', object);
    await publish(a.trx, tenant, 'form.submitted', { form_id: form.id, submission_id: id, object_id: object?.id ?? null, data });
    return { status: 201, body: { submitted: true, object_id: object?.id ?? null } };
  },
} satisfies Record<string, ActionHandler>;
