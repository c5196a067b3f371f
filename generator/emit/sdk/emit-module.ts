/**
 * `<module>.ts`: the module's namespaces (`booking.appointments.list(…)`) as one interface and one
 * factory over a Transport. Methods come from two small runtime helpers (`resource`, `action`), so a
 * module costs a few bytes per resource; the interface carries all the typing.
 */
import type { ActionNode, CrudOperation, ModuleNode, ResourceNode, ServiceNode } from '../../ir/index.ts';
import { header, type GeneratedFile } from '../generated-file.ts';
import { byKey, compareStrings } from '../../shared/ordering.ts';
import { STYLE_CONVENTIONS } from '../../shared/style-conventions.ts';
import { camelCase, schemaNames } from '../names.ts';
import { TypeScope, actionTypeNames, doc, fieldType, propName } from './ts-types.ts';
import { listQueryName, moduleApiName, moduleApiType, moduleClientName, moduleRoot } from './sdk-names.ts';
import { authType } from './auth-paths.ts';

interface NsNode {
  resource?: ResourceNode;
  readonly actions: ActionNode[];
  readonly children: Map<string, NsNode>;
}

const OP_METHODS: Record<CrudOperation, readonly string[]> = {
  list: ['list', 'iterate'],
  create: ['create'],
  retrieve: ['get'],
  update: ['update'],
  partial_update: ['patch'],
  delete: ['delete'],
  restore: ['restore'],
};
const ALL_METHODS = Object.values(OP_METHODS).flat();

function buildTree(m: ModuleNode): NsNode {
  const root: NsNode = { actions: [], children: new Map() };
  const at = (path: readonly string[]) =>
    path.reduce((n, k) => {
      if (!n.children.has(k)) n.children.set(k, { actions: [], children: new Map() });
      return n.children.get(k)!;
    }, root);
  // Internal tables (no operations, no actions) are not part of the API, so not of the SDK.
  for (const r of m.resources.filter((x) => x.operations.length > 0 || x.actions.length > 0)) {
    const n = at(r.sdkPath);
    n.resource = r;
    n.actions.push(...r.actions);
  }
  at(moduleRoot(m)).actions.push(...m.actions);
  return root;
}

function actionSignature(a: ActionNode, scope: TypeScope): string {
  const names = actionTypeNames(a, scope);
  const params = a.pathParams.map((p) => {
    const owner = a.resource ? scope.resource(a.resource) : null;
    const t = p.name === 'id' && owner ? scope.idType(owner) : fieldType(p, scope, 'query');
    return `${camelCase(p.name)}: ${t}`;
  });
  const input = a.method === 'GET' || a.method === 'DELETE' ? names.query : names.body;
  if (input) {
    const required =
      a.method === 'GET' || a.method === 'DELETE'
        ? a.query.some((f) => f.required)
        : a.request.shape === 'object'
          ? a.request.fields.some((f) => f.required && !f.readOnly)
          : a.request.shape !== 'empty';
    params.push(`${a.method === 'GET' || a.method === 'DELETE' ? 'query' : 'body'}${required ? '' : '?'}: ${input}`);
  }
  params.push('opts?: RequestOptions');
  return `${doc(`${a.summary} \`${a.method} ${a.path}\``, '')}${propName(a.sdkName)}(${params.join(', ')}): Promise<${names.response}>;`;
}

function hasInput(a: ActionNode): boolean {
  return a.method === 'GET' || a.method === 'DELETE' ? a.query.length > 0 : a.request.shape !== 'empty';
}

function actionValue(a: ActionNode): string {
  const extra = a.response.shape === 'file' ? ', true' : '';
  return `action(t, '${a.method}', '${a.path}'${hasInput(a) && !extra ? '' : `, ${hasInput(a)}`}${extra})`;
}

const indent = (s: string, by: string) => s.replace(/\n(?!\n)/g, `\n${by}`);
const sortedKeys = (n: NsNode) => [...n.children.keys()].sort(compareStrings);
const bySdkName = byKey((a: ActionNode) => a.sdkName);

/**
 * What `delete()` resolves to, as the OpenAPI document says (openapi/operations.ts): the catalogue's
 * delete_answer, any object where a named handler answers in a style whose deletes carry a body, else
 * nothing (null: the ResourceApi default, void).
 */
function deletedType(r: ResourceNode, scope: TypeScope): string | null {
  if (r.deleteAnswer) {
    const key = r.deleteAnswer.idKey;
    return `{ ${key ? `${propName(key)}: ${scope.idType(r)}; ` : ''}deleted: true }`;
  }
  return r.handlers.delete && STYLE_CONVENTIONS[scope.service.style].deleteStatus !== 204 ? 'Record<string, unknown>' : null;
}

function nodeType(n: NsNode, scope: TypeScope): string {
  const parts: string[] = [];
  if (n.resource?.operations.length) {
    const r = n.resource;
    const s = schemaNames(r);
    const has = (op: CrudOperation) => r.operations.includes(op);
    const deleted = has('delete') ? deletedType(r, scope) : null;
    const api = `ResourceApi<${scope.idType(r)}, ${s.read}, ${has('create') ? s.create : 'never'}, ${has('update') ? s.update : 'never'}, ${has('partial_update') ? s.partialUpdate : 'never'}, ${listQueryName(r)}, ${s.page}${deleted ? `, ${deleted}` : ''}>`;
    const methods = r.operations.flatMap((op) => OP_METHODS[op]);
    parts.push(methods.length === ALL_METHODS.length ? api : `Pick<${api}, ${methods.map((m) => `'${m}'`).join(' | ')}>`);
  }
  const members = [
    ...[...n.actions].sort(bySdkName).map((a) => actionSignature(a, scope)),
    ...sortedKeys(n).map((k) => {
      const child = n.children.get(k)!;
      return `${doc(child.resource?.summary, '')}readonly ${propName(k)}: ${nodeType(child, scope)};`;
    }),
  ];
  if (members.length || !parts.length) parts.push(`{\n  ${members.map((m) => indent(m, '  ')).join('\n  ')}\n}`);
  return parts.join(' & ');
}

function nodeValue(n: NsNode): string {
  const members = [
    ...[...n.actions].sort(bySdkName).map((a) => `${propName(a.sdkName)}: ${actionValue(a)},`),
    ...sortedKeys(n).map((k) => `${propName(k)}: ${nodeValue(n.children.get(k)!)},`),
  ];
  const obj = `{\n  ${members.map((m) => indent(m, '  ')).join('\n  ')}\n}`;
  const r = n.resource;
  if (!r?.operations.length) return obj;
  // Operations whose body goes out as multipart/form-data (file uploads), as the OpenAPI document declares.
  const multipart = (['create', 'update'] as const).filter((op) => r.operations.includes(op) && r.multipart.includes(op));
  const args = [
    `'${r.path}'`,
    ...(members.length || multipart.length ? [members.length ? obj : '{}'] : []),
    ...(multipart.length ? [`[${multipart.map((op) => `'${op}'`).join(', ')}]`] : []),
  ];
  return `resource(t, ${args.join(', ')})`;
}

function typeImports(m: ModuleNode, scope: TypeScope): string[] {
  const names = new Set<string>();
  const actions = [...m.actions, ...m.resources.flatMap((r) => r.actions)];
  for (const r of m.resources.filter((x) => x.operations.length)) {
    const s = schemaNames(r);
    const has = (op: CrudOperation) => r.operations.includes(op);
    for (const n of [
      s.read,
      has('create') && s.create,
      has('update') && s.update,
      has('partial_update') && s.partialUpdate,
      s.page,
      listQueryName(r),
    ])
      if (n) names.add(n);
  }
  for (const a of actions) {
    const t = actionTypeNames(a, scope);
    for (const n of [t.query, t.body, t.response]) {
      const base = n?.replace(/\[\]$/, '');
      if (base && /^[A-Z]/.test(base) && base !== 'FormData' && base !== 'Blob') names.add(base);
    }
  }
  return [...names].sort(compareStrings);
}

export function emitModule(service: ServiceNode, m: ModuleNode, dir: string): GeneratedFile {
  const scope = new TypeScope(service);
  const tree = buildTree(m);
  const imports = typeImports(m, scope);
  const auth = authType(service, m);
  const hasActions = m.actions.length > 0 || m.resources.some((r) => r.actions.length > 0);
  const withOps = m.resources.some((r) => r.operations.length > 0);
  const values = [...(hasActions ? ['action'] : []), 'assemble', 'createTransport', ...(withOps ? ['resource'] : [])];
  const types = [
    ...(auth ? ['AuthHelpers'] : []),
    'ClientOptions',
    ...(hasActions ? ['RequestOptions'] : []),
    ...(withOps ? ['ResourceApi'] : []),
    'Transport',
  ];
  const text = `${header(m.sourceFile)}
import { ${[...values, ...types.map((x) => `type ${x}`)].join(', ')} } from './client.ts';
${imports.length ? `import type { ${imports.join(', ')} } from './types.ts';\n` : ''}import { wire } from './wire.ts';

export type ${moduleApiType(m)} = ${nodeType(tree, scope)};

export function ${moduleApiName(m)}(t: Transport): ${moduleApiType(m)} {
  return ${indent(nodeValue(tree), '  ')};
}

/** A client with only the ${m.title} module: the smallest bundle for apps that need no more. */
export function ${moduleClientName(m)}(options: ClientOptions): ${moduleApiType(m)}${auth ? ` & ${auth}` : ''} {
  const t = createTransport(options, wire);
  return assemble(t, ${moduleApiName(m)}(t));
}
`;
  return { path: `${dir}/${m.name}.ts`, contents: text };
}
