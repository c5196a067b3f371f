/**
 * Makes records of any catalogue resource through the API, creating the parents its references
 * need first (recursively, also through the API), so every reference resolves in the actor's company.
 *
 * Parents are shared (one per actor and target resource) unless the reference takes part in a
 * uniqueness rule (`unique`, `unique_together`) or the caller asks for fresh parents (the second
 * record of an ordering test needs a different parent than the first).
 * References to resources without a create operation are resolved to what the actor owns (its user,
 * its company) or, for other tables, to an existing row; optional self-references are left empty.
 */
import type { FieldNode, ResourceNode, ServiceNode } from '../../../generator/ir/index.ts';
import { createUser } from '../../../runtime/loop/auth/create-user.ts';
import type { TestService } from '../../helpers/test-service.ts';
import { inputFields, letters, validValue } from '../../helpers/payloads.ts';
import { type Actor, type Actors, describeReply, type Reply } from './client.ts';

export interface Made {
  readonly id: number | string;
  /** The body that was sent. */
  readonly sent: Record<string, unknown>;
  /** The 201 response. */
  readonly reply: Reply;
}

export interface PayloadOptions {
  /** 0 for a first record, 1 for a second: picks different enum values and booleans. */
  readonly variant?: number;
  /** Create new parents for every reference instead of reusing shared ones. */
  readonly freshParents?: boolean;
  /** Values set after generation (e.g. a self-reference to an earlier record). */
  readonly overrides?: Readonly<Record<string, unknown>>;
}

const isCompanyRoot = (r: ResourceNode) => r.module === 'core' && r.name === 'companies';
const isUsers = (r: ResourceNode) => r.module === 'core' && r.name === 'users';

export class Records {
  private n = 0;
  private readonly shared = new Map<string, Promise<number | string>>();
  private readonly byId: Map<string, ResourceNode>;

  constructor(
    private readonly svc: TestService,
    readonly service: ServiceNode,
    readonly actors: Actors,
  ) {
    this.byId = new Map(service.resources.map((r) => [r.id, r]));
  }

  resource(id: string): ResourceNode {
    const r = this.byId.get(id);
    if (!r) throw new Error(`unknown resource ${id}`);
    return r;
  }

  /** Next counter value: every generated value is new. */
  next(): number {
    return ++this.n;
  }

  /**
   * Who writes records of this resource for `actor`'s side: company resources the actor, global ones the
   * superuser; company resources only superusers write (`access.write: superuser`, billing state) the
   * superuser in the actor's company.
   */
  writerFor(r: ResourceNode, actor: Actor): Actor {
    if (r.scope === 'global') return this.actors.root;
    return r.access.write === 'superuser' ? this.actors.root.inCompany(actor.company, actor.companyId) : actor;
  }

  /**
   * Who reads them in the tests: the company owner for company resources and for global ones any
   * signed-in user may read; the superuser for the rest (tenant roots it made, permission-gated globals).
   */
  readerFor(r: ResourceNode, actor: Actor): Actor {
    if (r.scope !== 'global') return actor;
    return !r.tenantRoot && (r.access.read === 'authenticated' || r.access.read === 'public') ? actor : this.actors.root;
  }

  /** POST a create body as JSON, or as multipart/form-data when the catalogue says create takes an upload. */
  send(r: ResourceNode, actor: Actor, body: Record<string, unknown>): Promise<Reply> {
    const writer = this.writerFor(r, actor);
    if (!r.multipart.includes('create')) return writer.post(`${r.path}/`, body);
    const files = r.fields.filter((f) => f.type === 'file').map((f) => f.name);
    return writer.postMultipart(`${r.path}/`, body, files);
  }

  /** A valid create body for `r` as `actor` (parents created as needed). Every input field is set, optional ones too. */
  async payload(r: ResourceNode, actor: Actor, opts: PayloadOptions = {}, stack: readonly string[] = []): Promise<Record<string, unknown>> {
    const uniqueRefs = new Set<string>(r.uniqueTogether.flat());
    const body: Record<string, unknown> = {};
    for (const f of inputFields(r)) {
      if (f.type !== 'ref') {
        body[f.name] = validValue(f, this.next(), opts.variant ?? 0);
        continue;
      }
      const fresh = (opts.freshParents ?? false) || f.unique || uniqueRefs.has(f.name);
      const id = await this.refValue(r, f, actor, fresh, [...stack, r.id]);
      if (id !== undefined) body[f.name] = id;
    }
    return { ...body, ...opts.overrides };
  }

  /** POST a new record; throws with the request and response when it is not a 201. */
  async create(r: ResourceNode, actor: Actor, opts: PayloadOptions = {}, stack: readonly string[] = []): Promise<Made> {
    const sent = await this.payload(r, actor, opts, stack);
    const reply = await this.send(r, actor, sent);
    if (reply.status !== 201 || reply.body?.id === undefined) throw new Error(`create ${r.id}: ${describeReply(reply)}`);
    return { id: reply.body.id, sent, reply };
  }

  private async refValue(owner: ResourceNode, f: FieldNode, actor: Actor, fresh: boolean, stack: readonly string[]): Promise<unknown> {
    const target = this.resource(f.ref!.resource);
    if (isCompanyRoot(target)) return actor.companyId ?? undefined;
    if (isUsers(target)) return fresh ? this.newUser() : actor.userId;
    if (stack.includes(target.id)) {
      if (f.required) throw new Error(`${owner.id}.${f.name}: required reference cycle through ${stack.join(' → ')}`);
      return undefined;
    }
    if (!target.operations.includes('create')) return this.existingRow(target, actor, f);
    if (fresh) return (await this.create(target, actor, {}, stack)).id;
    const key = `${target.scope === 'global' ? 'root' : actor.name}:${target.id}`;
    let hit = this.shared.get(key);
    if (!hit) {
      hit = this.create(target, actor, {}, stack).then((m) => m.id);
      this.shared.set(key, hit);
    }
    return hit;
  }

  /** A row of a resource the API cannot create (e.g. an invitation): the first the actor's company has. */
  private async existingRow(target: ResourceNode, actor: Actor, f: FieldNode): Promise<unknown> {
    const q = this.svc.db(target.table).first('id').orderBy('id');
    if (target.scope !== 'global' && actor.companyId !== null) q.where('company_id', actor.companyId);
    const row = await q;
    if (!row && f.required) throw new Error(`${target.id} has no create operation and no row to reference`);
    return row ? Number(row.id) || row.id : undefined;
  }

  /** A user of its own (for references that must be unique per user, such as memberships). */
  private async newUser(): Promise<number> {
    const name = `u${letters(this.next())}`;
    const user = await this.svc.db.transaction((trx) =>
      createUser(trx, { email: `${name}@conformance.test`, username: name, password: 'Str0ng-passw0rd!' }),
    );
    return Number(user.id);
  }
}
