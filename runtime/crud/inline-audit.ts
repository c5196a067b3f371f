/**
 * An audit sink may also describe its row as plain column values (`inline`), which lets a write that
 * needs nothing else in its transaction put the audit row into its own statement (a CTE) and skip the
 * explicit transaction: the row still commits exactly when the change does. A sink without this form,
 * a resource it does not cover (e.g. one whose writes must also clear caches), or a write observer
 * (`CrudDeps.events`) sends the write down the transaction path, where the sink itself runs.
 */
import type { RequestContext } from '../runtime-api.ts';
import type { AuditSink, CrudDeps } from './crud-deps.ts';

export interface InlineAuditForm {
  readonly table: string;
  /** Whether the sink does nothing for this resource beyond writing the row described here. */
  covers(resource: string): boolean;
  /** The row's columns known before the write (no record id, no changes, no timestamps). */
  values(entry: { readonly ctx: RequestContext; readonly action: string; readonly resource: string }): Record<string, unknown>;
  /** Column taking the record id as text. */
  readonly recordIdColumn: string;
  /** jsonb column taking the field-level changes. */
  readonly changesColumn: string;
  /** Columns set to the statement's now(). */
  readonly nowColumns: readonly string[];
}

export type InlineAuditSink = AuditSink & { readonly inline?: InlineAuditForm };

export function withInlineForm(sink: AuditSink, form: InlineAuditForm): InlineAuditSink {
  return Object.assign(sink, { inline: form });
}

/** The inline form to use for a write of `resource` in a tenant, or undefined when the transaction path must run. */
export function inlineAuditFor(deps: CrudDeps, ctx: RequestContext, resource: string): InlineAuditForm | undefined {
  if (deps.events || !ctx.tenant) return undefined;
  const form = (deps.audit as InlineAuditSink | undefined)?.inline;
  return form?.covers(resource) ? form : undefined;
}
