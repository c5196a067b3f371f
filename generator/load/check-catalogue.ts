/**
 * Cross-cutting rules over schema-valid files: names match files, product codes and refs resolve,
 * ordering/unique/seed rows name real fields. Every rule reports and carries on, so one run lists
 * every mistake. Derived-name collisions (type names, operation ids) are found by the normaliser.
 */
import { diagnostic, didYouMean, type Diagnostic } from '../diagnostics.ts';
import { SYSTEM_FIELD_NAMES } from './normalise-fields.ts';
import { checkActions } from './check-action.ts';
import { checkFields } from './check-field.ts';
import { Checker } from './checker.ts';
import type { ResourceSpec } from './meta-schema.ts';
import { CRUD_OPERATIONS, type CrudOperation } from '../ir/resource-node.ts';
import type { RawCatalogue, RawService } from './raw-catalogue.ts';
import type { YamlPath } from './yaml-source.ts';

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const PASCAL = /^[A-Z][A-Za-z0-9]*$/;

export function checkCatalogue(raw: RawCatalogue): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of raw.services) checkService(s, out);
  return out;
}

function checkService(s: RawService, out: Diagnostic[]): void {
  const at = (path: YamlPath, part: 'key' | 'value' = 'value') => s.source.locate(path, part);
  const spec = s.spec;
  if (spec.service !== s.folder) out.push(diagnostic('service-name-mismatch', at(['service']), { name: spec.service, expected: s.folder }));
  if (!spec.base_path.startsWith('/') || !spec.base_path.endsWith('/')) {
    out.push(diagnostic('invalid-value', at(['base_path']), { what: '"base_path"', detail: 'needs a leading and a trailing slash' }));
  }
  const codes = new Set<string>();
  (spec.products ?? []).forEach((p, i) => {
    if (codes.has(p.code)) out.push(diagnostic('duplicate-product', at(['products', i, 'code']), { name: p.code }));
    codes.add(p.code);
  });
  for (const m of s.modules) {
    const c = new Checker(s, m, out);
    const mod = m.spec;
    if (mod.module !== m.fileName) c.report('module-name-mismatch', ['module'], 'value', { name: mod.module, expected: m.fileName });
    else if (!KEBAB.test(mod.module))
      c.report('bad-name', ['module'], 'value', { what: 'module', name: mod.module, expected: 'kebab-case' });
    if (mod.product !== undefined && !codes.has(mod.product)) {
      c.report('unknown-product', ['product'], 'value', { name: mod.product }, didYouMean(mod.product, codes));
    }
    for (const [key, r] of Object.entries(mod.resources ?? {})) checkResource(c, key, r);
    checkActions(c, mod.actions, ['actions'], false);
  }
}

function checkResource(c: Checker, key: string, r: ResourceSpec): void {
  const path: YamlPath = ['resources', key];
  if (!KEBAB.test(key)) c.report('bad-name', path, 'key', { what: 'resource', name: key, expected: 'kebab-case' });
  if (!PASCAL.test(r.model)) c.report('bad-name', [...path, 'model'], 'value', { what: 'model', name: r.model, expected: 'PascalCase' });
  const idStyle = r.id_style ?? c.service.spec.id_style ?? 'serial';
  if (idStyle === 'prefixed' && !r.id_prefix) c.report('missing-id-prefix', path, 'key', { name: key });
  if (r.id_prefix !== undefined && !/^[a-z][a-z0-9]*$/.test(r.id_prefix)) {
    c.report('bad-name', [...path, 'id_prefix'], 'value', {
      what: 'id_prefix',
      name: r.id_prefix,
      expected: 'lowercase letters and digits',
    });
  }
  if (r.table !== undefined && !/^[a-z][a-z0-9_]*$/.test(r.table)) {
    c.report('bad-name', [...path, 'table'], 'value', { what: 'table', name: r.table, expected: 'snake_case' });
  }
  const seen = new Set<string>();
  (r.operations ?? []).forEach((op, i) => {
    if (seen.has(op)) c.report('duplicate-operation', [...path, 'operations', i], 'value', { name: op });
    seen.add(op);
    if (op === 'restore' && r.soft_delete === false) c.report('restore-without-soft-delete', [...path, 'operations', i], 'value');
  });

  const declared = Object.keys(r.fields ?? {});
  const scope = r.scope ?? 'company';
  checkAccess(c, r, path, scope);
  const system = SYSTEM_FIELD_NAMES.filter((n) => (n !== 'company' && n !== 'workspace') || scope !== 'global').filter(
    (n) => n !== 'deleted_at' || r.soft_delete !== false,
  );
  checkFields(c, r.fields, [...path, 'fields'], true, system, scope);
  const known = [...system, ...declared];

  (r.ordering ?? []).forEach((o, i) => {
    const name = o.replace(/^-/, '');
    if (!known.includes(name)) c.report('unknown-ordering-field', [...path, 'ordering', i], 'value', { name }, didYouMean(name, known));
  });
  (r.unique_together ?? []).forEach((group, i) =>
    group.forEach((name, j) => {
      if (!known.includes(name))
        c.report('unknown-unique-field', [...path, 'unique_together', i, j], 'value', { name }, didYouMean(name, known));
    }),
  );
  for (const what of ['seed', 'demo'] as const) {
    (r[what] ?? []).forEach((row, i) => {
      for (const name of Object.keys(row)) {
        if (name !== 'id' && !declared.includes(name)) {
          c.report('unknown-row-field', [...path, what, i, name], 'key', { name, what }, didYouMean(name, declared));
        }
      }
    });
  }
  checkActions(c, r.actions, [...path, 'actions'], true);
}

/** Access, tenancy and handler keys: combinations that could not mean anything are refused here. */
function checkAccess(c: Checker, r: ResourceSpec, path: YamlPath, scope: string): void {
  const bad = (at: YamlPath, detail: string) => c.report('invalid-value', at, 'key', { what: `"${String(at[at.length - 1])}"`, detail });
  if (r.tenant_root && scope !== 'global') bad([...path, 'tenant_root'], 'only a global resource can be a tenant root');
  if (r.tenant_optional && scope === 'global') bad([...path, 'tenant_optional'], 'a global resource has no company column');
  if (r.access?.read === 'public' && scope !== 'global') bad([...path, 'access', 'read'], 'public reads apply only to global resources');
  const ops = r.operations ?? CRUD_OPERATIONS.filter((o) => o !== 'restore' || r.soft_delete !== false);
  for (const op of Object.keys(r.handlers ?? {})) {
    if (!ops.includes(op as CrudOperation)) bad([...path, 'handlers', op], `"${op}" is not one of the resource's operations`);
  }
  (r.multipart ?? []).forEach((op, i) => {
    if (!['create', 'update', 'partial_update'].includes(op))
      bad([...path, 'multipart', i], 'only create, update and partial_update take a body');
    else if (!r.handlers?.[op]) bad([...path, 'multipart', i], `multipart "${op}" needs a handler (handlers: { ${op}: module.name })`);
  });
}
