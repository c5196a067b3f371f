/**
 * What the tests of one resource share: the running service, the actors, and the records made for
 * the resource, each made once on first use (a failed creation fails every test that needs it, with
 * the same request/response in the message).
 */
import type { ResourceNode } from '../../../generator/ir/index.ts';
import type { TestService } from '../../helpers/test-service.ts';
import type { Actor, Actors } from './client.ts';
import type { Made, Records } from './records.ts';

export interface SuiteContext {
  readonly svc: TestService;
  readonly actors: Actors;
  readonly records: Records;
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

export class ResourceState {
  constructor(
    readonly r: ResourceNode,
    private readonly suite: () => SuiteContext,
  ) {}

  get ctx(): SuiteContext {
    return this.suite();
  }

  /** Company resources: the owner of company 001 (see Records.readerFor for global ones). */
  get reader(): Actor {
    return this.ctx.records.readerFor(this.r, this.ctx.actors.a);
  }

  /** Company resources: the owner of 001; global ones: the superuser. */
  get writer(): Actor {
    return this.ctx.records.writerFor(this.r, this.ctx.actors.a);
  }

  itemPath(id: unknown): string {
    return `${this.r.path}/${String(id)}/`;
  }

  /** The record under test: created, read, updated, deleted and restored in turn. */
  readonly main = once<Made>(() => this.ctx.records.create(this.r, this.ctx.actors.a));

  /**
   * Two records made one after the other with new parents and different enum/boolean variants:
   * for a given field the second usually sorts after the first, and filters can tell them apart.
   */
  readonly pair = once<[Made, Made]>(async () => {
    const first = await this.ctx.records.create(this.r, this.ctx.actors.a, { variant: 0, freshParents: true });
    // Self-references (a category's parent) cannot point anywhere on the first record; the second points at the first.
    const self = this.r.fields.filter((f) => f.type === 'ref' && !f.readOnly && f.ref?.resource === this.r.id);
    const overrides = Object.fromEntries(self.map((f) => [f.name, first.id]));
    const second = await this.ctx.records.create(this.r, this.ctx.actors.a, { variant: 1, freshParents: true, overrides });
    return [first, second];
  });
}
