/**
 * The access keys of the catalogue (spec/README.md "Access"): resource `access`, `tenant_root`,
 * `tenant_optional`, `handlers`, `multipart`; action `permission: authenticated` and `tenant`.
 * Each is followed from YAML through the checker and the IR into the router lines it produces.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../generator/diagnostics.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { moduleRoutes } from '../../generator/emit/router/routes.ts';
import type { ServiceNode } from '../../generator/ir/index.ts';

const SERVICE = `service: acme
title: Acme
version: 1.0.0
base_path: /api/v1/
style: drf
auth: [jwt, api_key]
tenant_header: X-Company-ID
products:
  - { code: shop, name: Shop }
`;

const CORE = `module: core
title: Core
path: ""
resources:
  companies:
    model: Company
    scope: global
    tenant_root: true
    fields:
      code: { type: string, required: true }
  products:
    model: Product
    scope: global
    fields:
      code: { type: string, required: true }
  keys:
    model: Key
    scope: global
    access: { read: permission, write: superuser }
    handlers: { create: core.createKey }
    fields:
      label: { type: string, required: true }
  audit-logs:
    model: AuditLog
    operations: [list]
    soft_delete: false
    tenant_optional: true
    fields:
      action: { type: string, required: true }
actions:
  me:
    method: GET
    permission: authenticated
  invite:
    method: POST
    permission: core.core.invite
    tenant: required
`;

const SHOP = `module: shop
title: Shop
product: shop
resources:
  assets:
    model: Asset
    handlers: { create: shop.createAsset }
    multipart: [create]
    fields:
      file: { type: file, required: true }
actions:
  report:
    method: GET
    tenant: optional
`;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function load(files: Record<string, string>) {
  const root = await mkdtemp(join(tmpdir(), 'loopgen-access-'));
  dirs.push(root);
  await mkdir(join(root, 'spec', 'acme'), { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(root, 'spec', 'acme', name), text);
  return loadCatalogue(root);
}

async function service(): Promise<ServiceNode> {
  const { catalogue, diagnostics } = await load({ 'service.yaml': SERVICE, 'core.yaml': CORE, 'shop.yaml': SHOP });
  if (!catalogue) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  return catalogue.services[0]!;
}

function lines(s: ServiceNode, module: string): string[] {
  return moduleRoutes(
    s.modules.find((m) => m.name === module)!,
    s,
  ).map((r) => `${r.method} ${r.path} ${r.steps.join(' ')}`);
}

describe('access in the IR', () => {
  it('defaults by scope: tenant data by permission, shared global data read by anyone signed in, written by superusers', async () => {
    const s = await service();
    const r = (name: string) => s.resources.find((x) => x.name === name)!;
    expect(r('products').access).toEqual({ read: 'authenticated', write: 'superuser' });
    expect(r('assets').access).toEqual({ read: 'permission', write: 'permission' });
    expect(r('keys').access).toEqual({ read: 'permission', write: 'superuser' });
    expect(r('companies')).toMatchObject({ tenantRoot: true, access: { read: 'authenticated', write: 'permission' } });
    expect(r('keys').handlers).toEqual({ create: 'core.createKey' });
    expect(r('assets').multipart).toEqual(['create']);
  });

  it('makes company nullable only for tenant_optional resources', async () => {
    const s = await service();
    const company = (name: string) => s.resources.find((x) => x.name === name)!.fields.find((f) => f.name === 'company')!;
    expect(company('audit-logs')).toMatchObject({ nullable: true, required: false });
    expect(company('assets')).toMatchObject({ nullable: false, required: true });
  });

  it('gives actions access and tenancy', async () => {
    const s = await service();
    const a = (name: string) => s.actions.find((x) => x.name === name)!;
    expect(a('me')).toMatchObject({ access: 'authenticated', permission: null, public: false, tenant: 'none' });
    expect(a('invite')).toMatchObject({ access: 'permission', permission: 'core.core.invite', tenant: 'required' });
    expect(a('report')).toMatchObject({ access: 'permission', permission: 'shop.shop.report', tenant: 'optional' });
  });
});

describe('access in the router', () => {
  it('emits the guard each access level asks for', async () => {
    const core = lines(await service(), 'core');
    expect(core).toContain('GET /products/ rt.authenticate rt.tenant(productResource) rt.crud.list(productResource)');
    expect(core).toContain(
      'POST /products/ rt.authenticate rt.tenant(productResource) rt.requireSuperuser rt.idempotent rt.crud.create(productResource)',
    );
    expect(core).toContain('GET /companies/ rt.authenticate rt.tenant(companyResource) rt.crud.list(companyResource)');
    expect(core).toContain(
      'POST /companies/ rt.authenticate rt.tenant(companyResource) rt.requireSuperuser rt.idempotent rt.crud.create(companyResource)',
    );
    expect(core).toContain(
      "PATCH /companies/:id/ rt.authenticate rt.tenant(companyResource, 'required') rt.permit(companyResource.permissions.change) rt.crud.partialUpdate(companyResource)",
    );
    expect(core).toContain(
      "POST /keys/ rt.authenticate rt.tenant(keyResource) rt.requireSuperuser rt.idempotent rt.crud.handler(keyResource, 'create')",
    );
    expect(core).toContain(
      'GET /keys/ rt.authenticate rt.tenant(keyResource) rt.permit(keyResource.permissions.view) rt.crud.list(keyResource)',
    );
    expect(core).toContain("GET /me/ rt.authenticate rt.tenant({ scope: 'global', product: null }) rt.action(meAction)");
    expect(core).toContain(
      "POST /invite/ rt.authenticate rt.tenant({ scope: 'global', product: null }, 'required') rt.permit(inviteAction.permission) rt.idempotent rt.action(inviteAction)",
    );
    const shop = lines(await service(), 'shop');
    expect(shop).toContain(
      "GET /shop/report/ rt.authenticate rt.tenant({ scope: 'company', product: 'shop' }, 'optional') rt.permit(shopReportAction.permission) rt.action(shopReportAction)",
    );
    expect(shop).toContain(
      "POST /shop/assets/ rt.authenticate rt.tenant(shopAssetResource) rt.permit(shopAssetResource.permissions.add) rt.idempotent rt.crud.handler(shopAssetResource, 'create')",
    );
  });
});

describe('access checks', () => {
  it('refuses combinations that mean nothing', async () => {
    const bad = `module: core
title: Core
path: ""
resources:
  things:
    model: Thing
    tenant_root: true
    access: { read: public }
    operations: [list, create]
    handlers: { delete: core.removeThing }
    multipart: [list, create]
    fields:
      name: { type: string }
  shared:
    model: Shared
    scope: global
    tenant_optional: true
    fields:
      name: { type: string }
actions:
  ping:
    method: GET
    public: true
    permission: core.core.ping
    tenant: required
`;
    const { catalogue, diagnostics } = await load({ 'service.yaml': SERVICE, 'core.yaml': bad });
    expect(catalogue).toBeNull();
    const text = diagnostics.map(formatDiagnostic).join('\n');
    expect(text).toContain('only a global resource can be a tenant root');
    expect(text).toContain('public reads apply only to global resources');
    expect(text).toContain('"delete" is not one of the resource\'s operations');
    expect(text).toContain('only create, update and partial_update take a body');
    expect(text).toContain('multipart "create" needs a handler');
    expect(text).toContain('a global resource has no company column');
    expect(text).toContain('a public action checks no permission');
    expect(text).toContain('a public action runs outside any company');
  });

  it('refuses a malformed handler name with its location', async () => {
    const core = CORE.replace('core.createKey', 'CreateKey');
    const { diagnostics } = await load({ 'service.yaml': SERVICE, 'core.yaml': core });
    expect(diagnostics.map(formatDiagnostic).join('\n')).toMatch(/core\.yaml:\d+:\d+ .*handler name/);
  });
});
