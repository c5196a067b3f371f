/**
 * Figures for ai/generate-report, computed from the tenant's real rows of one product module:
 * per resource, how many records were created in the period, the split by `status` when the
 * resource has one, and totals of money-like decimal fields. Soft-deleted rows are left out.
 */
import type { Knex } from 'knex';
import { resources } from '../../../generated/loop/server/index.ts';
import type { ResourceDescriptor } from '../../descriptor.ts';
import { validation } from '../../http/api-error.ts';

export interface ResourceFigures {
  readonly resource: string;
  readonly created: number;
  readonly total: number;
  readonly by_status?: Record<string, number>;
  readonly sums?: Record<string, string>;
}

export interface ModuleFigures {
  readonly module: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly resources: ResourceFigures[];
}

const MONEY = /(amount|total|price|revenue|cost|value|balance|subtotal|fee)$/;

function moduleResources(module: string): ResourceDescriptor[] {
  const list = resources.filter((d) => d.module === module && d.scope !== 'global');
  if (list.length === 0) {
    const modules = [...new Set(resources.filter((d) => d.scope !== 'global').map((d) => d.module))].sort();
    throw validation({ module: [`Unknown module "${module}". Choices: ${modules.join(', ')}.`] });
  }
  return list.slice(0, 25);
}

export async function moduleFigures(
  db: Knex,
  companyId: number,
  module: string,
  from: string | null,
  to: string | null,
): Promise<ModuleFigures> {
  const out: ResourceFigures[] = [];
  for (const d of moduleResources(module)) {
    const base = () => {
      const q = db(d.table).where('company_id', companyId);
      if (d.softDelete) q.whereNull('deleted_at');
      return q;
    };
    const inPeriod = () => {
      const q = base();
      if (from) q.where('created_at', '>=', from);
      // `to` is a date: include the whole day.
      if (to) q.where('created_at', '<', db.raw("?::date + interval '1 day'", [to]));
      return q;
    };
    // Sequential on purpose: a transaction is one connection (PGlite has only one).
    const [t] = await base().count({ n: '*' });
    const [c] = await inPeriod().count({ n: '*' });
    const fig: { resource: string; created: number; total: number; by_status?: Record<string, number>; sums?: Record<string, string> } = {
      resource: `${d.module}.${d.name}`,
      created: Number((c as { n: unknown }).n),
      total: Number((t as { n: unknown }).n),
    };
    if (d.columns.some((col) => col.column === 'status' && col.type === 'enum')) {
      const rows = (await inPeriod().select('status').count({ n: '*' }).groupBy('status').orderBy('status')) as {
        status: string;
        n: unknown;
      }[];
      fig.by_status = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    }
    const money = d.columns.filter((col) => col.type === 'decimal' && !col.system && MONEY.test(col.column));
    if (money.length) {
      const row = (await inPeriod().first(money.map((m) => db.raw('coalesce(sum(??), 0)::text as ??', [m.column, m.name])))) as Record<
        string,
        string
      >;
      fig.sums = Object.fromEntries(money.map((m) => [m.name, row[m.name]!]));
    }
    out.push(fig);
  }
  return { module, from, to, resources: out };
}

/** Markdown narrative of the figures (the offline provider's report). */
export function figuresMarkdown(title: string, f: ModuleFigures): string {
  const period = f.from || f.to ? `${f.from ?? 'the beginning'} to ${f.to ?? 'today'}` : 'all time';
  const lines = [
    `# ${title}`,
    '',
    `Period: ${period}. Figures computed directly from your ${f.module} records (offline report, no AI model).`,
    '',
  ];
  const active = f.resources.filter((r) => r.total > 0);
  lines.push(active.length ? `${active.length} of ${f.resources.length} record types have data.` : `No ${f.module} records exist yet.`, '');
  for (const r of f.resources) {
    lines.push(`## ${r.resource}`, '', `- Created in period: ${r.created} (of ${r.total} in total)`);
    if (r.by_status && Object.keys(r.by_status).length)
      lines.push(
        `- By status: ${Object.entries(r.by_status)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    for (const [k, v] of Object.entries(r.sums ?? {})) lines.push(`- Sum of ${k}: ${v}`);
    lines.push('');
  }
  return lines.join('\n').trimEnd() + '\n';
}
