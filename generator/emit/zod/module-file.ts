/**
 * One `validators/<module>.ts`: per resource the create/update/partialUpdate/listQuery schemas,
 * per action its Query and Body schemas. What an unknown key does is the style's choice
 * (generator/shared/style-conventions.ts `unknownKeys`): a strict object refuses it with a 400 naming it;
 * a stripping object (Django REST framework's way) drops it, so it is never written.
 */
import type { ActionNode, FieldNode, ModuleNode, ResourceNode, ServiceNode } from '../../ir/index.ts';
import { header } from '../generated-file.ts';
import { actionValidatorNames, resourceValidatorNames } from '../names.ts';
import { compareStrings } from '../../shared/ordering.ts';
import { STYLE_CONVENTIONS } from '../../shared/style-conventions.ts';
import { writableFields } from '../shared/fields.ts';
import { propertyKey } from '../shared/print-literal.ts';
import { FIELD_CHECKS_FILE, fieldCheckExports } from './field-checks.ts';
import { defaultCode, fieldValidator, messages, type ValidatorMode } from './field-validator.ts';
import { listQueryEntries } from './list-query.ts';

interface FileState {
  readonly service: ServiceNode;
  readonly module: ModuleNode;
  /** Names imported from sibling module files, by module. */
  readonly imports: Map<string, Set<string>>;
}

/** `z.object` (unknown keys dropped) or `z.strictObject` (refused), as the style wants. */
function objectOf(s: FileState, body: string): string {
  if (STYLE_CONVENTIONS[s.service.style].unknownKeys === 'refuse') return `z.strictObject(${body})`;
  const error = messages(s, 'object');
  return `z.object(${body}${error ? `, ${error}` : ''})`;
}

/**
 * A strict object over `fields`; a field not marked required may be left out. With `defaults`, a left-out
 * field that has a catalogue `default:` reads as that value, so handlers see it without applying it again.
 */
function objectCode(s: FileState, fields: readonly FieldNode[], mode: ValidatorMode, defaults: boolean): string {
  if (fields.length === 0) return objectOf(s, '{}');
  const ctx = { service: s.service, mode };
  const lines = fields.map((f) => {
    const code =
      defaults && !f.required && f.default !== undefined
        ? `${fieldValidator(f, ctx, false)}${defaultCode(f.default)}`
        : fieldValidator(f, ctx, !f.required);
    return `  ${propertyKey(f.name)}: ${code},`;
  });
  return objectOf(s, `{\n${lines.join('\n')}\n}`);
}

function resourceBlock(s: FileState, r: ResourceNode): string {
  const n = resourceValidatorNames(r);
  const entries = listQueryEntries(r, s.service);
  const unknown = STYLE_CONVENTIONS[s.service.style].unknownKeys === 'ignore' ? 'any other key is ignored' : 'any other key is refused';
  return [
    `/** ${r.model} create body (\`${r.path}\`). Defaults are applied by the database, not here. */`,
    `export const ${n.create} = ${objectCode(s, writableFields(r), 'body', false)};`,
    '',
    `/** ${r.model} update body: a full replace, so the same fields as create. */`,
    `export const ${n.update} = ${n.create};`,
    '',
    `/** ${r.model} partial update body: any subset of the writable fields (an empty body changes nothing). */`,
    `export const ${n.partialUpdate} = ${n.create}.partial();`,
    '',
    `/** ${r.model} list query: pagination, search, ordering and filters; ${unknown}. */`,
    `export const ${n.listQuery} = ${objectOf(s, `{\n${entries.map(([k, v]) => `  ${propertyKey(k)}: ${v},`).join('\n')}\n}`)};`,
  ].join('\n');
}

/** A resource schema of another (or this) module, for actions whose body is a resource. */
function resourceCreateRef(s: FileState, resourceId: string): string {
  const r = s.service.resources.find((x) => x.id === resourceId);
  if (!r) throw new Error(`zod: unknown resource ${resourceId}`);
  const name = resourceValidatorNames(r).create;
  if (r.module === s.module.name) return name;
  if (!s.imports.has(r.module)) s.imports.set(r.module, new Set());
  s.imports.get(r.module)!.add(name);
  // z.lazy: module files may import each other, and a cycle must not read a binding before it exists.
  return `z.lazy(() => ${name})`;
}

/** The body schema of a request shape that has one (see actionValidatorNames in names.ts). */
function bodyCode(s: FileState, shape: ActionNode['request']): string {
  switch (shape.shape) {
    case 'object': {
      const obj = objectCode(s, shape.fields, 'body', true);
      return shape.many ? `z.array(${obj})` : obj;
    }
    case 'resource': {
      const ref = resourceCreateRef(s, shape.resource);
      return shape.many ? `z.array(${ref})` : ref;
    }
    case 'multipart':
      // Text parts arrive as strings; uploaded files are handed to the handler separately (ctx.files).
      return objectCode(
        s,
        shape.fields.filter((f) => f.type !== 'file'),
        'form',
        true,
      );
    case 'file':
    case 'page':
    case 'empty':
      throw new Error(`zod: a ${shape.shape} request has no body schema`);
  }
}

function actionBlock(s: FileState, a: ActionNode): string | undefined {
  const n = actionValidatorNames(a);
  const out: string[] = [];
  const where = `${a.method} \`${a.path}\``;
  if (n.query) {
    out.push(`/** Query of ${where}. */`, `export const ${n.query} = ${objectCode(s, a.query, 'form', true)};`);
  }
  if (n.body) {
    if (out.length) out.push('');
    out.push(`/** Body of ${where}. */`, `export const ${n.body} = ${bodyCode(s, a.request)};`);
  }
  return out.length ? out.join('\n') : undefined;
}

export function renderModuleFile(service: ServiceNode, module: ModuleNode): string {
  const s: FileState = { service, module, imports: new Map() };
  const blocks: string[] = [];
  for (const r of module.resources) {
    blocks.push(resourceBlock(s, r));
    for (const a of r.actions) {
      const b = actionBlock(s, a);
      if (b) blocks.push(b);
    }
  }
  for (const a of module.actions) {
    const b = actionBlock(s, a);
    if (b) blocks.push(b);
  }
  const imports = ["import { z } from 'zod';"];
  const text = blocks.join('\n');
  // Used as a call, an argument or a namespace (`decimal(`, `refine(pgDate, `, `drf.`), never a key or a string.
  const checks = fieldCheckExports(service)
    .filter((name) => new RegExp(`(?<![\\w.'"])${name}(?=[(,.)])`).test(text))
    .sort(compareStrings);
  if (checks.length) s.imports.set(FIELD_CHECKS_FILE, new Set(checks));
  for (const m of [...s.imports.keys()].sort(compareStrings)) {
    imports.push(`import { ${[...s.imports.get(m)!].sort(compareStrings).join(', ')} } from './${m}.ts';`);
  }
  const parts = [header(module.sourceFile) + imports.join('\n')];
  parts.push(...blocks);
  return `${parts.join('\n\n')}\n`;
}
