/**
 * One LOOP company (001) with one signed-in user per role of lib/role-catalogue.ts, plus a superuser
 * who writes global records. The owner registers the company; the others are users made in the
 * database (as an invitation would) and given a membership through the API by the owner.
 */
import { expect } from 'vitest';
import type { ServiceNode } from '../../../generator/ir/index.ts';
import { createSuperuser } from '../../../runtime/loop/auth/create-superuser.ts';
import { createUser } from '../../../runtime/loop/auth/create-user.ts';
import type { TestService } from '../../helpers/test-service.ts';
import { Actor, describeReply, login, owner, PASSWORD } from './client.ts';
import { Records } from './records.ts';
import { type RoleDefinition, type RoleName, ROLES } from './role-catalogue.ts';

export interface RoleTenant {
  readonly svc: TestService;
  readonly actors: Readonly<Record<RoleName, Actor>>;
  readonly root: Actor;
  /** Records made with the owner's parents (global ones by the superuser). */
  readonly records: Records;
}

export async function makeRoleTenant(
  svc: TestService,
  service: ServiceNode,
  roles: Readonly<Record<RoleName, RoleDefinition>>,
): Promise<RoleTenant> {
  const boss = await owner(svc, 'rm-owner', '001');
  await createSuperuser(svc.db, { email: 'root@role-matrix.test', password: PASSWORD });
  const su = await login(svc.api, 'root@role-matrix.test');
  const root = new Actor('root', svc.api, su.access, null, Number(su.user.id), null);

  const actors: Partial<Record<RoleName, Actor>> = { owner: boss };
  for (const name of ROLES) {
    const def = roles[name];
    if (def.isOwner) continue;
    const roleId = await roleFor(svc, boss, def);
    const email = `rm-${name}@conformance.test`;
    const user = await svc.db.transaction((trx) => createUser(trx, { email, username: `rm-${name}`, password: PASSWORD }));
    const ms = await boss.post('memberships/', { user: Number(user.id), role: roleId, status: 'active', is_owner: false });
    if (ms.status !== 201) throw new Error(`membership for ${name}: ${describeReply(ms)}`);
    const { access } = await login(svc.api, email);
    actors[name] = new Actor(name, svc.api, access, boss.company, Number(user.id), boss.companyId);
  }
  const all = actors as Record<RoleName, Actor>;
  return { svc, actors: all, root, records: new Records(svc, service, { a: boss, b: boss, root }) };
}

/**
 * The admin role is the one register provisioned (its name makes it all-powerful as well as its `*`);
 * the others are created through the API with the definition's codes.
 */
async function roleFor(svc: TestService, boss: Actor, def: RoleDefinition): Promise<number> {
  if (def.name === 'admin') {
    const row = await svc.db('roles').where({ company_id: boss.companyId, name: 'admin' }).first('id', 'permissions');
    if (!row) throw new Error('register made no admin role in company 001');
    const held = typeof row.permissions === 'string' ? JSON.parse(row.permissions) : row.permissions;
    expect(held, 'the provisioned admin role holds what the matrix expects').toEqual(def.permissions);
    return Number(row.id);
  }
  const reply = await boss.post('roles/', { name: def.name, description: `Role matrix ${def.name}`, permissions: def.permissions });
  if (reply.status !== 201) throw new Error(`role ${def.name}: ${describeReply(reply)}`);
  return Number(reply.body.id);
}
