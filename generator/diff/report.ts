/**
 * A diff report as text (terminal), JSON (machines) or Markdown (a pull-request comment).
 * Text and Markdown group one change seen on many operations (a field removed from a shared schema)
 * into one line listing the operations.
 */
import { SEVERITIES, type Change, type Severity } from './change.ts';
import type { DiffReport } from './diff-projects.ts';

export type ReportFormat = 'text' | 'json' | 'markdown';

const LABEL: Readonly<Record<Severity, string>> = { breaking: 'breaking', 'potentially-breaking': 'potentially breaking', safe: 'safe' };
const MAX_SUBJECTS = 6;

interface Group {
  readonly severity: Severity;
  readonly rule: string;
  readonly message: string;
  readonly subjects: string[];
}

export function groupChanges(changes: readonly Change[]): Group[] {
  const groups = new Map<string, Group>();
  for (const c of changes) {
    const key = `${c.severity}\u0000${c.rule}\u0000${c.message}`;
    const g = groups.get(key) ?? { severity: c.severity, rule: c.rule, message: c.message, subjects: [] };
    if (!g.subjects.includes(c.subject)) g.subjects.push(c.subject);
    groups.set(key, g);
  }
  return [...groups.values()];
}

export function counts(changes: readonly Change[]): Record<Severity, number> {
  const out = { breaking: 0, 'potentially-breaking': 0, safe: 0 };
  for (const c of changes) out[c.severity]++;
  return out;
}

function summary(changes: readonly Change[]): string {
  const n = counts(changes);
  return SEVERITIES.map((s) => `${n[s]} ${LABEL[s]}`).join(', ');
}

function subjects(list: readonly string[], code: (s: string) => string): string {
  const shown = list.slice(0, MAX_SUBJECTS).map(code).join(', ');
  return list.length > MAX_SUBJECTS ? `${shown} and ${list.length - MAX_SUBJECTS} more` : shown;
}

export function formatReport(report: DiffReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  const md = format === 'markdown';
  const lines: string[] = [];
  lines.push(md ? `## loopgen diff: \`${report.base}\` → ${report.head}` : `loopgen diff: ${report.base} → ${report.head}`);
  if (report.changes.length === 0) lines.push('', md ? 'No API, database or access changes.' : 'no API, database or access changes');
  for (const service of report.services) {
    const own = report.changes.filter((c) => c.service === service);
    if (own.length === 0) continue;
    lines.push('', md ? `### ${service} — ${summary(own)}` : `${service}: ${summary(own)}`);
    for (const severity of SEVERITIES) {
      const groups = groupChanges(own.filter((c) => c.severity === severity));
      if (groups.length === 0) continue;
      lines.push(md ? `\n**${LABEL[severity]}**\n` : `  ${LABEL[severity]}:`);
      for (const g of groups) {
        lines.push(
          md
            ? `- ${subjects(g.subjects, (s) => `\`${s}\``)}: ${g.message} <sub>${g.rule}</sub>`
            : `    ${subjects(g.subjects, (s) => s)}: ${g.message} [${g.rule}]`,
        );
      }
    }
  }
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => (md ? `> ${n}` : `note: ${n}`)));
  return `${lines.join('\n')}\n`;
}
