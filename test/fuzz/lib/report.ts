/**
 * What a run found, for people: a summary table (operations, cases, failures by check and service)
 * and FINDINGS.md, where failures are grouped into classes — server errors by PostgreSQL error code
 * and message, schema mismatches by kind — each with counts per service and one curl example.
 */
import { CHECKS, type CheckKind } from './checks.ts';
import type { CaseFailure, RunResult } from './run.ts';

export interface FailureClass {
  readonly check: CheckKind;
  readonly key: string;
  readonly byService: Record<string, number>;
  readonly ops: Set<string>;
  /** What varies inside the class (case kinds, fields, paths) with counts. */
  readonly hints: Map<string, number>;
  readonly example: CaseFailure;
}

/** The PostgreSQL part of a driver error logged by the server: SQLSTATE and message, without the SQL text. */
function dbCause(log: string): { code?: string; message?: string } {
  const code = /\[code: ([0-9A-Z]{5})/.exec(log)?.[1];
  const line = log
    .split('\n')
    .map((l) => l.replace(/^\[loopgen\] unhandled error\s*/, '').trim())
    .find((l) => l && !l.startsWith('at ') && !l.startsWith('['));
  // knex writes `<sql> - <message>`: keep the message.
  const message = line?.includes(' - ') ? line.slice(line.lastIndexOf(' - ') + 3) : line;
  return { code, message };
}

/** A stable class name for a failure, and a hint (a field, a path) that varies inside the class. */
export function classify(f: CaseFailure): { key: string; hint: string } {
  const blankNumbers = (s: string) =>
    s
      .replace(/\b\d{2,}\b/g, 'N')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 160);
  switch (f.check) {
    case 'server-error':
    case 'stack-trace': {
      const { code, message } = dbCause(f.log);
      if (!message) return { key: blankNumbers(f.detail), hint: '' };
      return { key: `${code ? `PostgreSQL ${code}` : 'no SQLSTATE'} · ${blankNumbers(message)}`, hint: f.kind };
    }
    case 'schema-mismatch':
      return { key: f.key ?? f.detail, hint: f.hint ?? '' };
    case 'undocumented-status':
      return { key: f.detail.replace(/^(TRACE|PROPFIND|LINK)/, 'unknown method'), hint: f.kind };
    case 'accepted-invalid':
      return { key: f.kind, hint: f.note };
    case 'leak':
      return { key: `${f.status} ${blankNumbers(f.body.replace(/"[^"]*"/g, '"…"').slice(0, 80))}`, hint: f.kind };
  }
}

export function classes(result: RunResult): FailureClass[] {
  const map = new Map<string, FailureClass>();
  for (const f of result.failures) {
    const { key, hint } = classify(f);
    const id = `${f.check}\u0000${key}`;
    let c = map.get(id);
    if (!c) {
      c = { check: f.check, key, byService: {}, ops: new Set(), hints: new Map(), example: f };
      map.set(id, c);
    }
    c.byService[f.service] = (c.byService[f.service] ?? 0) + 1;
    c.ops.add(`${f.service} ${f.op}`);
    if (hint) c.hints.set(hint, (c.hints.get(hint) ?? 0) + 1);
  }
  const total = (c: FailureClass) => Object.values(c.byService).reduce((a, b) => a + b, 0);
  return [...map.values()].sort(
    (a, b) => CHECKS.indexOf(a.check) - CHECKS.indexOf(b.check) || total(b) - total(a) || a.key.localeCompare(b.key),
  );
}

function failuresBy(result: RunResult, service: string, check: CheckKind): number {
  return result.failures.filter((f) => f.service === service && f.check === check).length;
}

function sec(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The console table: one row per service, one column per check. */
export function summaryTable(result: RunResult): string {
  const head = ['service', 'operations', 'cases', 'failed cases', ...CHECKS, 'time'];
  const rows = result.services.map((s) => [
    s.service,
    s.operationsRun === s.operations ? String(s.operations) : `${s.operationsRun}/${s.operations}`,
    String(s.cases),
    String(s.failedCases),
    ...CHECKS.map((k) => String(failuresBy(result, s.service, k))),
    `${sec(s.ms)} (answers ${sec(s.requestMs)}, ids/session ${sec(s.lookupMs)}; start ${sec(s.startMs)})`,
  ]);
  const sum = (i: number) => String(rows.reduce((a, r) => a + Number(r[i]!.split('/')[0]), 0));
  rows.push(['total', sum(1), sum(2), sum(3), ...CHECKS.map((_, j) => sum(4 + j)), '']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** FINDINGS.md: the run's summary and every failure class with an example to reproduce. */
export function findingsMarkdown(result: RunResult, command: string): string {
  const cls = classes(result);
  const services = result.services.map((s) => s.service);
  const out: string[] = [
    '# Fuzz findings',
    '',
    `Written by \`${command}\` (seed ${result.seed}; ${result.budget.positives} positive case(s) per operation, ` +
      `${result.budget.perKind} per negative kind${result.budget.casesPerOp !== undefined ? `; at most ${result.budget.casesPerOp} case(s) per operation` : ''}). ` +
      'The curl lines use `$TOKEN` for the credential: sign in as test/fuzz/lib/targets.ts does (loop: register + `auth/login/`, ' +
      'header `X-Company-ID: 001`; roomloop: `loopgen admin create-key --service roomloop --role admin`; platform: `--service platform`) ' +
      'and replace `http://127.0.0.1:PORT` and record ids by your own.',
    '',
    '## Summary',
    '',
    summaryTable(result),
    '',
  ];
  const repairs = result.services.flatMap((s) => s.repairs.map((r) => `${s.service}: ${r}`));
  if (repairs.length) {
    out.push('Sessions restored after a case (a revoked key, a suspended owner, a deactivated company — not failures by themselves):', '');
    for (const r of repairs.slice(0, 30)) out.push(`- ${r}`);
    if (repairs.length > 30) out.push(`- … ${repairs.length - 30} more`);
    out.push('');
  }
  const clean = CHECKS.filter((k) => !cls.some((c) => c.check === k));
  if (clean.length) out.push(`No failures of: ${clean.map((k) => TITLES[k].split(',')[0]!.toLowerCase()).join('; ')}.`, '');
  for (const check of CHECKS) {
    const mine = cls.filter((c) => c.check === check);
    if (!mine.length) continue;
    out.push(`## ${TITLES[check]} — ${mine.length} class(es)`, '');
    out.push(
      `| # | class | ${services.join(' | ')} | operations | seen with |`,
      `|---|---|${services.map(() => '---:').join('|')}|---:|---|`,
    );
    const cell = (s: string) => s.replace(/\|/g, '\\|');
    mine.forEach((c, i) =>
      out.push(
        `| ${i + 1} | ${cell(c.key)} | ${services.map((s) => c.byService[s] ?? 0).join(' | ')} | ${c.ops.size} | ${cell(topHints(c))} |`,
      ),
    );
    out.push('');
    mine.forEach((c, i) => {
      const e = c.example;
      out.push(`${i + 1}. **${c.key}** — e.g. \`${e.op}\` (${e.kind}${e.note ? `: ${e.note}` : ''}) → ${e.status}`);
      out.push('   ```sh', `   ${e.curl}`, '   ```');
      if (e.body) out.push(`   answer: \`${e.body.slice(0, 240).replace(/`/g, "'").replace(/\n/g, ' ')}\``);
      out.push('');
    });
  }
  return out.join('\n') + '\n';
}

function topHints(c: FailureClass): string {
  const all = [...c.hints.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = all.slice(0, 4).map(([h, n]) => `${h.slice(0, 60)} ×${n}`);
  return shown.join(', ') + (all.length > 4 ? `, … ${all.length - 4} more` : '');
}

const TITLES: Record<CheckKind, string> = {
  'server-error': 'Server errors (5xx), by PostgreSQL error code and message',
  'undocumented-status': 'Statuses the document does not list',
  'schema-mismatch': 'Bodies that do not validate against the documented schema, by kind',
  'stack-trace': 'Stack traces in the server log or body',
  leak: 'SQL or driver text in a response body',
  'accepted-invalid': 'Invalid input accepted (2xx), by case kind',
};
