/**
 * Access rules the OpenAPI document does not carry: who may read and write a resource (`access:`),
 * the product a company must subscribe to (`product:`), tenancy (`scope:`, an action's `tenant:`).
 * Read from the catalogue YAML of both sides as written (spec/README.md "Access"); an action's
 * permission and public flag are in the document (`x-permission`, `security`) and judged there.
 */
import { parse } from 'yaml';
import { change, type Change, type Severity } from './change.ts';

interface AccessFacts {
  readonly [key: string]: string | undefined;
}

/** Subject (`resource booking.services`) → facts (`access.read` → `permission`). */
type AccessModel = Map<string, AccessFacts>;

const RANK: Readonly<Record<string, number>> = { public: 0, authenticated: 1, permission: 2, superuser: 3 };
const TENANCY: Readonly<Record<string, number>> = { none: 0, optional: 1, required: 2 };

/** `files`: YAML text of the service's module files that differ between the sides (path → text, null when absent). */
export function diffAccess(service: string, base: ReadonlyMap<string, string | null>, head: ReadonlyMap<string, string | null>): Change[] {
  const a = model(base);
  const b = model(head);
  const out: Change[] = [];
  for (const [subject, before] of a) {
    const after = b.get(subject);
    if (!after) continue; // a removed resource shows as removed operations and a dropped table
    for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const x = before[key];
      const y = after[key];
      if (x === y) continue;
      const severity = judge(key, x, y);
      const show = (v: string | undefined) => (v === undefined ? 'the default' : `\`${v}\``);
      out.push(
        change({
          service,
          area: 'access',
          subject,
          rule: `${key.replace('.', '-')}-changed`,
          severity,
          message: `${key} changed from ${show(x)} to ${show(y)}`,
        }),
      );
    }
  }
  return out;
}

function judge(key: string, x: string | undefined, y: string | undefined): Severity {
  if (x === undefined || y === undefined) return 'potentially-breaking'; // the default depends on the scope; say so, don't guess
  if (key === 'scope') return 'breaking';
  if (key === 'product') return 'breaking';
  if (key === 'tenant') return (TENANCY[y] ?? 0) > (TENANCY[x] ?? 0) ? 'breaking' : 'potentially-breaking';
  return (RANK[y] ?? 0) > (RANK[x] ?? 0) ? 'breaking' : 'potentially-breaking';
}

function model(files: ReadonlyMap<string, string | null>): AccessModel {
  const out: AccessModel = new Map();
  for (const text of files.values()) {
    if (text === null) continue;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch {
      continue; // a catalogue that does not parse fails `loopgen build`, not the diff
    }
    if (!isObject(doc) || typeof doc.module !== 'string') continue;
    const module = doc.module;
    const moduleProduct = str(doc.product);
    for (const [name, r] of Object.entries(isObject(doc.resources) ? doc.resources : {})) {
      if (!isObject(r)) continue;
      const access = isObject(r.access) ? r.access : {};
      out.set(`resource ${module}.${name}`, {
        scope: str(r.scope),
        'access.read': str(access.read),
        'access.write': str(access.write),
        'access.create': str(access.create),
        'access.delete': str(access.delete),
        product: str(r.product) ?? moduleProduct,
      });
      for (const [action, x] of Object.entries(isObject(r.actions) ? r.actions : {})) {
        if (isObject(x)) out.set(`action ${module}.${name}.${action}`, { tenant: str(x.tenant) });
      }
    }
    for (const [action, x] of Object.entries(isObject(doc.actions) ? doc.actions : {})) {
      if (isObject(x)) out.set(`action ${module}.${action}`, { tenant: str(x.tenant), product: str(x.product) ?? moduleProduct });
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' ? String(v) : undefined;
}
