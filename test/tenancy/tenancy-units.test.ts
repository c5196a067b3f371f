/**
 * The pure parts of tenancy, without a database: permission sets and wildcards, role names, the TTL
 * cache, which products a set of subscriptions opens at an instant, and what counts as an active owner.
 * Quick enough to run for every mutant of `npm run mutate -- tenancy`.
 */
import { describe, expect, it } from 'vitest';
import {
  ADMIN_ROLE,
  ALL_PERMISSIONS,
  ALL_POWERFUL_ROLES,
  OWNER_ROLE,
  grants,
  membershipRole,
  permissionSet,
} from '../../runtime/loop/tenancy/permissions.ts';
import { openProducts, type SubscriptionRow } from '../../runtime/loop/tenancy/subscriptions.ts';
import { TtlCache } from '../../runtime/loop/tenancy/ttl-cache.ts';
import { isActiveOwner, LAST_OWNER } from '../../runtime/loop/tenancy/owner-guard.ts';
import { invalidateOnWrite, TENANCY_RESOURCES } from '../../runtime/loop/tenancy/cache-invalidation.ts';

describe('permissions', () => {
  it('owner and admin are the all-powerful roles', () => {
    expect(OWNER_ROLE).toBe('owner');
    expect(ADMIN_ROLE).toBe('admin');
    expect([...ALL_POWERFUL_ROLES].sort()).toEqual(['admin', 'owner']);
    expect([...ALL_PERMISSIONS]).toEqual(['*']);
  });

  it("a membership's role is its role's name, else owner for the owner, else none", () => {
    expect(membershipRole('staff', true)).toBe('staff');
    expect(membershipRole('staff', false)).toBe('staff');
    expect(membershipRole(null, true)).toBe('owner');
    expect(membershipRole(undefined, true)).toBe('owner');
    expect(membershipRole(null, false)).toBeNull();
  });

  it('owners, admins and owners by role name (any case) hold everything', () => {
    expect(permissionSet(null, true)).toBe(ALL_PERMISSIONS);
    expect(permissionSet({ name: 'staff', permissions: ['a.b.view'] }, true)).toBe(ALL_PERMISSIONS);
    expect(permissionSet({ name: 'Admin', permissions: [] }, false)).toBe(ALL_PERMISSIONS);
    expect(permissionSet({ name: 'OWNER', permissions: null }, false)).toBe(ALL_PERMISSIONS);
  });

  it('other roles hold their listed codes, from JSON text or an array, as strings', () => {
    expect([...permissionSet({ name: 'staff', permissions: ['a.b.view', 'a.b.add'] }, false)]).toEqual(['a.b.view', 'a.b.add']);
    expect([...permissionSet({ name: 'staff', permissions: '["x.y.view"]' }, false)]).toEqual(['x.y.view']);
    expect([...permissionSet({ name: 'staff', permissions: [7] }, false)]).toEqual(['7']);
    expect(permissionSet({ name: 'staff', permissions: '{"a":1}' }, false).size).toBe(0);
    expect(permissionSet({ name: 'staff', permissions: 42 }, false).size).toBe(0);
    expect(permissionSet({ name: null, permissions: ['a.b.view'] }, false).has('a.b.view')).toBe(true);
    expect(permissionSet(null, false).size).toBe(0);
  });

  it('grants exact codes, * and wildcard prefixes, never a longer or sibling prefix', () => {
    const perms = new Set(['booking.appointments.view', 'crm.*', 'desk.tickets.*']);
    expect(grants(perms, 'booking.appointments.view')).toBe(true);
    expect(grants(perms, 'booking.appointments.add')).toBe(false);
    expect(grants(perms, 'crm.contacts.delete')).toBe(true);
    expect(grants(perms, 'desk.tickets.change')).toBe(true);
    expect(grants(perms, 'desk.queues.change')).toBe(false);
    expect(grants(perms, 'booking.services.view')).toBe(false);
    expect(grants(new Set(['*']), 'anything.at.all')).toBe(true);
    // The full code plus `.*` is not a wildcard for the code itself; a bare `*.` prefix grants nothing.
    expect(grants(new Set(['a.b.c.*']), 'a.b.c')).toBe(false);
    expect(grants(new Set(['.*']), 'a.b.c')).toBe(false);
    expect(grants(new Set(['a.*']), 'a')).toBe(false);
    expect(grants(new Set(), 'a.b.c')).toBe(false);
  });
});

describe('TtlCache', () => {
  it('answers until the TTL has passed, then forgets', () => {
    const clock = { t: 1000 };
    const c = new TtlCache<string, number>(100, 10, () => clock.t);
    c.set('a', 1);
    expect(c.get('a')).toBe(1);
    clock.t = 1099;
    expect(c.get('a')).toBe(1);
    clock.t = 1100; // expires at exactly set time + TTL
    expect(c.get('a')).toBeUndefined();
    clock.t = 1000;
    expect(c.get('a')).toBeUndefined(); // expired entries are removed, not just hidden
    expect(c.get('missing')).toBeUndefined();
  });

  it('drops the oldest entry when full, but not when a present key is replaced', () => {
    const c = new TtlCache<string, number>(1000, 2, () => 0);
    c.set('a', 1);
    c.set('b', 2);
    c.set('b', 3); // replacing keeps both
    expect(c.get('a')).toBe(1);
    expect(c.get('b')).toBe(3);
    c.set('c', 4);
    expect(c.get('a')).toBeUndefined();
    expect(c.get('b')).toBe(3);
    expect(c.get('c')).toBe(4);
  });

  it('a full cache of one evicts on every new key', () => {
    const c = new TtlCache<string, number>(1000, 1, () => 0);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBeUndefined();
    expect(c.get('b')).toBe(2);
  });

  it('getOrLoad loads once, caches falsy answers too, delete and clear forget', async () => {
    const c = new TtlCache<string, number | null>(1000, 10, () => 0);
    let loads = 0;
    const load = async () => {
      loads++;
      return 0;
    };
    expect(await c.getOrLoad('k', load)).toBe(0);
    expect(await c.getOrLoad('k', load)).toBe(0);
    expect(loads).toBe(1);
    c.delete('k');
    await c.getOrLoad('k', load);
    expect(loads).toBe(2);
    c.set('other', 5);
    c.clear();
    expect(c.get('k')).toBeUndefined();
    expect(c.get('other')).toBeUndefined();
  });

  it('defaults to the wall clock', () => {
    const c = new TtlCache<string, number>(60_000);
    c.set('a', 1);
    expect(c.get('a')).toBe(1);
    const short = new TtlCache<string, number>(-1);
    short.set('a', 1);
    expect(short.get('a')).toBeUndefined();
  });
});

describe('openProducts', () => {
  const T0 = Date.UTC(2031, 0, 10);
  const day = 86_400_000;
  const sub = (s: Partial<SubscriptionRow>): SubscriptionRow => ({
    status: 'active',
    starts_at: null,
    ends_at: null,
    trial_ends_at: null,
    products: ['booking'],
    plan_products: ['plan-product'],
    ...s,
  });
  const open = (...subs: SubscriptionRow[]) => [...openProducts(subs, T0)].sort();

  it("an active subscription opens its own products, or its plan's when it lists none", () => {
    expect(open(sub({}))).toEqual(['booking']);
    expect(open(sub({ products: [] }))).toEqual(['plan-product']);
    expect(open(sub({ products: null, plan_products: '["a","b"]' }))).toEqual(['a', 'b']);
    expect(open(sub({ products: '["crm"]' }))).toEqual(['crm']);
    expect(open(sub({ products: null, plan_products: null }))).toEqual([]);
    expect(open(sub({ products: [1, 2] }))).toEqual(['1', '2']);
    expect(open(sub({ products: ['a'] }), sub({ products: ['b'] }))).toEqual(['a', 'b']);
  });

  it('only active and trialing statuses open anything', () => {
    expect(open(sub({ status: 'trialing' }))).toEqual(['booking']);
    for (const status of ['cancelled', 'expired', 'past_due', '']) expect(open(sub({ status }))).toEqual([]);
  });

  it('opens from starts_at (inclusive) until ends_at (exclusive)', () => {
    expect(open(sub({ starts_at: new Date(T0) }))).toEqual(['booking']);
    expect(open(sub({ starts_at: new Date(T0 + 1) }))).toEqual([]);
    expect(open(sub({ starts_at: new Date(T0 - day).toISOString() }))).toEqual(['booking']);
    expect(open(sub({ ends_at: new Date(T0) }))).toEqual([]);
    expect(open(sub({ ends_at: new Date(T0 + 1) }))).toEqual(['booking']);
    expect(open(sub({ ends_at: new Date(T0 - day).toISOString() }))).toEqual([]);
  });

  it('a trial closes at its trial end; an active subscription ignores a past trial end', () => {
    expect(open(sub({ status: 'trialing', trial_ends_at: new Date(T0) }))).toEqual([]);
    expect(open(sub({ status: 'trialing', trial_ends_at: new Date(T0 + 1) }))).toEqual(['booking']);
    expect(open(sub({ status: 'active', trial_ends_at: new Date(T0 - day) }))).toEqual(['booking']);
  });

  it('a closed subscription does not hide an open one', () => {
    expect(open(sub({ status: 'cancelled', products: ['x'] }), sub({ products: ['y'] }))).toEqual(['y']);
    expect(open(sub({ ends_at: new Date(T0 - 1), products: ['x'] }), sub({ products: ['y'] }))).toEqual(['y']);
  });
});

describe('owner guard, pure parts', () => {
  it('an active owner is an owner, active and not deleted', () => {
    expect(LAST_OWNER).toBe('last_owner');
    expect(isActiveOwner({ is_owner: true, status: 'active', deleted_at: null })).toBe(true);
    expect(isActiveOwner({ is_owner: true, status: 'active' })).toBe(true);
    expect(isActiveOwner({ is_owner: false, status: 'active' })).toBe(false);
    expect(isActiveOwner({ is_owner: null, status: 'active' })).toBe(false);
    expect(isActiveOwner({ is_owner: true, status: 'suspended' })).toBe(false);
    expect(isActiveOwner({ is_owner: true, status: 'active', deleted_at: new Date() })).toBe(false);
    expect(isActiveOwner(undefined)).toBe(false);
  });

  it('the tenancy caches follow exactly the tables they are read from', () => {
    expect([...TENANCY_RESOURCES].sort()).toEqual([
      'loop.core.companies',
      'loop.core.company-subscriptions',
      'loop.core.memberships',
      'loop.core.product-access',
      'loop.core.products',
      'loop.core.roles',
      'loop.core.subscription-plans',
    ]);
  });
});

describe('invalidateOnWrite', () => {
  // The two fields of a Knex transaction it reads (test/tenancy/owner-guard.test.ts runs it on real transactions).
  const settled = () => new Promise((r) => setImmediate(r));
  function transaction(parent?: object) {
    let finish!: (ok: boolean) => void;
    const executionPromise = new Promise((resolve, reject) => {
      finish = (ok) => (ok ? resolve(undefined) : reject(new Error('rolled back')));
    });
    executionPromise.catch(() => undefined);
    return { trx: { parentTransaction: parent, executionPromise }, finish };
  }

  it('ignores other resources', () => {
    let clears = 0;
    expect(invalidateOnWrite({ clear: () => void clears++ }, 'loop.booking.services', transaction().trx as never)).toBe(false);
    expect(clears).toBe(0);
  });

  it('clears now, and again when the outermost transaction commits, not when a nested one does', async () => {
    let clears = 0;
    const outer = transaction();
    const middle = transaction(outer.trx);
    const inner = transaction(middle.trx);
    expect(invalidateOnWrite({ clear: () => void clears++ }, 'loop.core.memberships', inner.trx as never)).toBe(true);
    expect(clears).toBe(1);
    inner.finish(true);
    middle.finish(true);
    await settled();
    expect(clears).toBe(1);
    outer.finish(true);
    await settled();
    expect(clears).toBe(2);
  });

  it('clears again after a rollback too', async () => {
    let clears = 0;
    const t = transaction();
    invalidateOnWrite({ clear: () => void clears++ }, 'loop.core.roles', t.trx as never);
    t.finish(false);
    await settled();
    expect(clears).toBe(2);
  });

  it('a handle outside any transaction is cleared once', async () => {
    let clears = 0;
    invalidateOnWrite({ clear: () => void clears++ }, 'loop.core.companies', {} as never);
    await settled();
    expect(clears).toBe(1);
  });
});
