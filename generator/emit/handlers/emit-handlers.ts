/**
 * The typed handler contract of a service: `generated/<service>/server/handlers.ts`, one member per
 * handler name the catalogue declares (every action's `handler:` and every CRUD override under a
 * resource's `handlers:`), typed by the outputs of the validators the router runs before it.
 *
 * Each service's registry (runtime/<service>/handlers/index.ts) `satisfies` the interface, so a handler
 * that is missing or misspelt fails the type-check instead of answering 501 at request time.
 */
import type { ActionNode, CrudOperation, ModuleNode, ResourceNode, ServiceNode } from '../../ir/index.ts';
import { header, type EmitContext, type GeneratedFile } from '../generated-file.ts';
import { actionValidatorNames, pascalCase, resourceValidatorNames, serviceDir } from '../names.ts';
import { compareStrings } from '../../shared/ordering.ts';
import { importBlock, quote } from '../shared/print-literal.ts';

/** From `generated/<service>/server/` to the project's `runtime/`. */
const RUNTIME_IMPORT = '../../../runtime';
/** What the runtime passes when an operation has no validator (runtime/http/run-action.ts). */
const NO_BODY = 'unknown';
const NO_QUERY = 'Record<string, unknown>';
const MAX_LINE = 140;

interface ContractEntry {
  /** Where the catalogue uses the name, for the member's doc comment. */
  readonly use: string;
  /** Validator exports typing the body and query, by module file. */
  readonly body?: { readonly module: string; readonly name: string };
  readonly query?: { readonly module: string; readonly name: string };
}

/** The validators rt.crud.handler(d, op) runs for a CRUD override (runtime/crud/crud-handler.ts). */
function crudValidators(r: ResourceNode, op: CrudOperation): { body?: string; query?: string } {
  const v = resourceValidatorNames(r);
  switch (op) {
    case 'list':
      return { query: v.listQuery };
    case 'create':
      return { body: v.create };
    case 'update':
      return { body: v.update };
    case 'partial_update':
      return { body: v.partialUpdate };
    case 'retrieve':
    case 'delete':
    case 'restore':
      return {};
  }
}

function actionEntry(a: ActionNode, module: ModuleNode): ContractEntry {
  const v = actionValidatorNames(a);
  return {
    use: `\`${a.method} ${a.path}\``,
    ...(v.body ? { body: { module: module.name, name: v.body } } : {}),
    ...(v.query ? { query: { module: module.name, name: v.query } } : {}),
  };
}

/** Every handler name of the service with the places that use it (a name may serve more than one). */
function contractEntries(service: ServiceNode): Map<string, ContractEntry[]> {
  const byName = new Map<string, ContractEntry[]>();
  const add = (name: string, e: ContractEntry) => byName.set(name, [...(byName.get(name) ?? []), e]);
  for (const m of service.modules) {
    for (const r of m.resources) {
      for (const a of r.actions) add(a.handler, actionEntry(a, m));
      for (const op of Object.keys(r.handlers).sort(compareStrings) as CrudOperation[]) {
        const v = crudValidators(r, op);
        add(r.handlers[op]!, {
          use: `\`${op}\` of \`${r.path}\` (handlers:)`,
          ...(v.body ? { body: { module: m.name, name: v.body } } : {}),
          ...(v.query ? { query: { module: m.name, name: v.query } } : {}),
        });
      }
    }
    for (const a of m.actions) add(a.handler, actionEntry(a, m));
  }
  return byName;
}

/** A handler used in several places accepts any of their inputs. */
function inputType(entries: readonly ContractEntry[], part: 'body' | 'query', none: string): string {
  const types = new Set(entries.map((e) => (e[part] ? `z.output<typeof ${e[part].name}>` : none)));
  return [...types].sort(compareStrings).join(' | ');
}

function member(name: string, entries: readonly ContractEntry[]): string {
  const doc = `  /** ${entries.map((e) => e.use).join(', ')} */`;
  const body = inputType(entries, 'body', NO_BODY);
  const query = inputType(entries, 'query', NO_QUERY);
  const flat = `  ${quote(name)}: ActionHandler<${body}, ${query}>;`;
  if (flat.length <= MAX_LINE) return `${doc}\n${flat}`;
  return `${doc}\n  ${quote(name)}: ActionHandler<\n    ${body},\n    ${query}\n  >;`;
}

export function emitHandlers(service: ServiceNode, _ctx: EmitContext): GeneratedFile[] {
  const entries = contractEntries(service);
  const names = [...entries.keys()].sort(compareStrings);
  const imports = new Map<string, Set<string>>();
  for (const e of [...entries.values()].flat()) {
    for (const v of [e.body, e.query]) if (v) imports.set(v.module, (imports.get(v.module) ?? new Set()).add(v.name));
  }
  const modules = [...imports.keys()].sort(compareStrings);
  const iface = `${pascalCase(service.name)}Handlers`;
  const lines = [
    header(serviceDir(service)).trimEnd(),
    ...(imports.size ? ["import type { z } from 'zod';"] : []),
    ...(names.length ? [`import type { ActionHandler } from '${RUNTIME_IMPORT}/runtime-api.ts';`] : []),
    ...modules.map((m) => importBlock([...imports.get(m)!].sort(compareStrings), `../validators/${m}.ts`, { typeOnly: true })),
    '',
    '/**',
    ` * Every handler the ${service.title} catalogue names, typed by the validators the router runs first.`,
    ` * The service's registry satisfies this, so a missing or misspelt handler is a type error.`,
    ' */',
    `export interface ${iface} {${names.map((n) => `\n${member(n, entries.get(n)!)}`).join('')}${names.length ? '\n' : ''}}`,
    '',
    `export type ${pascalCase(service.name)}HandlerName = keyof ${iface};`,
  ];
  return [{ path: `generated/${service.name}/server/handlers.ts`, contents: `${lines.join('\n')}\n` }];
}
