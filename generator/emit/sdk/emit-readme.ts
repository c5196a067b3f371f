/**
 * `README.md` of the SDK with example calls that type-check against this very service: the example
 * resource, filter, ordering and create body are picked from the catalogue.
 */
import type { FieldNode, FieldType, ResourceNode, ServiceNode } from '../../ir/index.ts';
import type { GeneratedFile } from '../generated-file.ts';
import { camelCase } from '../names.ts';
import { moduleClientName, moduleRoot, packageName } from './sdk-names.ts';

const EXAMPLE: Record<FieldType, (f: FieldNode) => unknown> = {
  string: (f) => 'Example'.padEnd(f.min ?? 0, 'x').slice(0, f.max ?? 7),
  text: () => 'Some notes',
  integer: (f) => f.min ?? 1,
  decimal: () => '10.00',
  boolean: () => true,
  date: () => '2026-06-10',
  datetime: () => '2026-06-10T09:00:00Z',
  time: () => '09:00:00',
  email: () => 'ada@example.com',
  url: () => 'https://example.com',
  uuid: () => '00000000-0000-4000-8000-000000000000',
  json: () => ({}),
  enum: (f) => f.enumValues?.[0] ?? 'value',
  ref: () => 1,
  file: () => 'https://example.com/file.pdf',
};

function exampleValue(f: FieldNode, service: ServiceNode): unknown {
  if (f.type === 'ref') {
    const target = service.resources.find((r) => r.id === f.ref?.resource);
    if (target?.idStyle === 'prefixed') return `${target.idPrefix ?? 'id'}_8f3e21`;
  }
  return f.example ?? EXAMPLE[f.type](f);
}

const js = (v: unknown) =>
  JSON.stringify(v)
    .replace(/"([A-Za-z_]\w*)":/g, '$1: ')
    .replace(/,(?=\S)/g, ', ')
    .replace(/"/g, "'");

/** Where `loopgen serve` answers by default; the README's code runs as is against it (test/sdk/readme-blocks.test.ts). */
const SERVED = 'http://127.0.0.1:8000';

/** An app id a freshly seeded database knows (the catalogue's seed rows of the resource with `app_id`), preferring one allowed every product. */
function seededAppId(service: ServiceNode): string | undefined {
  const rows = service.resources.filter((r) => r.fields.some((f) => f.name === 'app_id')).flatMap((r) => r.seed);
  const open = rows.find((row) => Array.isArray(row.allowed_products) && row.allowed_products.length === 0) ?? rows[0];
  return typeof open?.app_id === 'string' ? open.app_id : undefined;
}

/** The catalogue's sign-up action (`auth/register…`) when it creates a company too. */
function registerAction(service: ServiceNode) {
  const a = service.actions.find((x) => x.on === 'module' && x.name === 'register' && x.path.startsWith('auth/'));
  return a && a.request.shape === 'object' && a.request.fields.some((f) => f.name === 'company_name') ? a : undefined;
}

/** The most instructive resource: one with actions and filters outside core whose create needs no other record, else any. */
function pickResource(service: ServiceNode): ResourceNode | undefined {
  // A create that needs another record first (a required ref) cannot run as written on a fresh database.
  const needsRef = (r: ResourceNode) => r.fields.some((f) => f.type === 'ref' && f.required && !f.readOnly && f.default === undefined);
  const score = (r: ResourceNode) =>
    (needsRef(r) ? -100 : 0) + r.actions.length * 4 + (r.module !== 'core' ? 2 : 0) + (r.operations.length === 7 ? 1 : 0);
  return [...service.resources].sort((a, b) => score(b) - score(a) || a.path.localeCompare(b.path))[0];
}

export function emitReadme(service: ServiceNode, dir: string): GeneratedFile {
  const name = camelCase(service.name);
  const r = pickResource(service);
  const hasAuth = service.auth.includes('jwt');
  const appId = service.appHeader ? seededAppId(service) : undefined;
  const register = hasAuth ? registerAction(service) : undefined;
  const keyed = !hasAuth && (service.auth.includes('bearer_key') || service.auth.includes('api_key'));
  const keyHint = `'<key from: npx loopgen admin create-key --service ${service.name}>'`;
  const signUp: string[] = [];
  if (register && register.request.shape === 'object') {
    const body: Record<string, unknown> = {};
    for (const f of register.request.fields) if (f.required || f.name === 'company_name') body[f.name] = exampleValue(f, service);
    signUp.push(
      `// Sign up (a new database's first company is ${service.tenantHeader ? "'001'" : 'yours'}); register() keeps the tokens as login() does.`,
      `await ${name}.auth.register(${js(body)});`,
      `// Next time: await ${name}.auth.login({ email: ${js(body.email)}, password: ${js(body.password)} });`,
    );
  } else if (hasAuth) signUp.push(`await ${name}.auth.login({ email: 'dev@example.com', password: 'strongpass123' });`);
  const options = [
    `  baseUrl: '${SERVED}', // what \`npx loopgen serve${service.name === 'loop' ? '' : ` --service ${service.name}`}\` prints`,
    ...(service.tenantHeader ? ["  companyId: '001',"] : []),
    ...(appId ? [`  appId: '${appId}', // an app the seed data registers`] : []),
    ...(keyed ? [`  apiKey: ${keyHint},`] : []),
  ];
  const lines: string[] = [
    `# ${packageName(service)}`,
    '',
    `Typed client for the ${service.title} (${service.version}). Generated by loopgen from \`spec/${service.name}/\` — do not edit.`,
    'Uses only `fetch`: runs unchanged in Node 20, browsers and React Native.',
    '',
    '## Quick start',
    '',
    '```ts',
    `import { createClient, ValidationError } from '${packageName(service)}';`,
    '',
    `const ${name} = createClient({`,
    ...options,
    '});',
    ...signUp,
  ];
  if (r) {
    const ns = `${name}.${r.sdkPath.join('.')}`;
    const filter =
      r.fields.find((f) => f.filter.includes('exact') && f.type === 'enum') ??
      r.fields.find((f) => f.filter.includes('exact') && !f.system);
    const order = r.fields.find((f) => f.orderable);
    const query: Record<string, unknown> = {};
    if (filter) query[filter.name] = exampleValue(filter, service);
    if (order) query.ordering = `-${order.name}`;
    const body: Record<string, unknown> = {};
    for (const f of r.fields) if (f.required && !f.readOnly && f.default === undefined) body[f.name] = exampleValue(f, service);
    const patchField = r.fields.find((f) => !f.readOnly && !f.system && f.type !== 'ref');
    const has = (op: string) => r.operations.includes(op as never);
    lines.push('');
    if (has('list')) {
      lines.push(`const page = await ${ns}.list(${js(query)});`);
      lines.push(`for await (const item of ${ns}.iterate(${js(query)})) console.log(item.id);`);
    }
    if (has('create')) {
      lines.push('try {');
      lines.push(`  const created = await ${ns}.create(${js(body)}, { idempotencyKey: true });`);
      if (has('retrieve')) lines.push(`  const again = await ${ns}.get(created.id);`);
      if (has('partial_update') && patchField)
        lines.push(`  await ${ns}.patch(created.id, ${js({ [patchField.name]: exampleValue(patchField, service) })});`);
      for (const a of r.actions.filter((x) => x.on === 'item').slice(0, 1)) lines.push(`  await ${ns}.${a.sdkName}(created.id);`);
      if (has('delete')) lines.push(`  await ${ns}.delete(created.id);`);
      if (has('restore')) lines.push(`  await ${ns}.restore(created.id);`);
      lines.push('} catch (e) {');
      lines.push('  if (e instanceof ValidationError) console.log(e.fields); // { field: ["message"] }');
      lines.push('  else throw e;');
      lines.push('}');
    }
    lines.push('```');
    const m = service.modules.find((x) => x.name === r.module);
    if (m) {
      const same = [
        `baseUrl: '${SERVED}'`,
        ...(service.tenantHeader ? ["companyId: '001'"] : []),
        ...(appId ? [`appId: '${appId}'`] : []),
        ...(hasAuth ? [`token: ${name}.auth.getTokens()?.access`] : keyed ? [`apiKey: ${keyHint}`] : []),
      ];
      lines.push('', '## Small bundles', '', 'Each module is its own entry point; import only what the app uses:', '', '```ts');
      lines.push(`import { ${moduleClientName(m)} } from '${packageName(service)}/${m.name}';`);
      lines.push(`const ${camelCase(m.name)} = ${moduleClientName(m)}({ ${same.join(', ')} });`);
      lines.push(`await ${camelCase(m.name)}.${r.sdkPath.join('.')}.list();`, '```');
    }
  } else lines.push('```');
  lines.push('', '## Modules', '', '| module | namespaces |', '|---|---|');
  for (const m of [...service.modules].sort((a, b) => a.name.localeCompare(b.name))) {
    const ns = [
      ...m.resources.filter((x) => x.operations.length > 0 || x.actions.length > 0).map((x) => x.sdkPath.join('.')),
      ...m.actions.map((a) => [...moduleRoot(m), a.sdkName].join('.') + '()'),
    ];
    lines.push(
      `| \`${m.name}\` | ${ns
        .sort()
        .map((n) => `\`${n}\``)
        .join(', ')} |`,
    );
  }
  lines.push(
    '',
    '## Errors',
    '',
    'Every failure is an `ApiError` with `status`, `code` and the parsed `body`; subclasses by kind:',
    '`ValidationError` (400/422, `.fields`), `AuthenticationError` (401), `PermissionDeniedError` (403),',
    '`NotFoundError` (404), `ConflictError` (409), `RateLimitError` (429, `.retryAfter`), `ServerError` (5xx),',
    '`TimeoutError` (no answer within `timeoutMs`).',
    '',
    '## Retries, timeouts, cancellation',
    '',
    'GET, PUT and DELETE, and POSTs sent with `{ idempotencyKey: true }` (or your own key), are retried on',
    'network errors, 408, 429 and 5xx with exponential backoff (`retries`, default 2). Every call takes',
    '`{ signal, timeoutMs }`; the default timeout is 30 s.',
  );
  if (hasAuth)
    lines.push(
      '',
      'After `auth.login()`, an expired access token is refreshed once and the call retried; if that fails the `AuthenticationError` is thrown. `onTokens` lets you persist tokens.',
    );
  const upload = service.resources.find((x) => x.multipart.some((op) => x.operations.includes(op)));
  if (upload) {
    const file = upload.fields.find((f) => f.type === 'file');
    lines.push(
      '',
      '## Uploads',
      '',
      `Resources that take files (\`${name}.${upload.sdkPath.join('.')}\`) accept a \`Blob\` or \`File\` for file fields; the SDK sends`,
      'those bodies as `multipart/form-data` (objects and arrays as JSON text; `null` members are left out).',
      ...(file ? ['', '```ts', uploadExample(service, upload, file, name), '```'] : []),
    );
  }
  return {
    path: `${dir}/README.md`,
    contents: `<!-- Generated by loopgen from spec/${service.name}/ — do not edit. -->\n${lines.join('\n')}\n`,
  };
}

function uploadExample(service: ServiceNode, r: ResourceNode, file: FieldNode, name: string): string {
  const fields = r.fields.filter((f) => f.required && !f.readOnly && f.default === undefined && f !== file);
  const rest = fields.map((f) => `, ${f.name}: ${js(exampleValue(f, service))}`).join('');
  return `await ${name}.${r.sdkPath.join('.')}.create({ ${file.name}: new Blob(['hello'], { type: 'text/plain' })${rest} });`;
}
