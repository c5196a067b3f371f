/** Access-policy simulation: stored or inline policies evaluated against a described request, nothing enforced. */
import type { ActionHandler } from '../../runtime-api.ts';
import { validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { holds, lookup } from '../automation/conditions.ts';
import { loadType } from '../objects/object-store.ts';
import { asObject, bodyOf, tenantOf } from '../http/action-context.ts';

/**
 * A policy is the stored shape `{name, action, role, condition_json, enabled}` (POST
 * /v1/object-types/:id/policies) or inline `{name?, effect?, actions?, conditions}`: it applies to
 * `action`/`actions` ('*' = all), to callers holding `role` (a role or a list; none = anyone), and
 * matches when its conditions hold over `{auth, row}`. `effect` defaults to allow. Deny wins;
 * without a matching allow the answer is deny.
 */
function evaluate(policies: Record<string, unknown>[], auth: unknown, row: unknown, action: string) {
  const roles = (lookup(auth, 'roles') ?? lookup(auth, 'role')) as unknown;
  const held = new Set((Array.isArray(roles) ? roles : roles == null ? [] : [roles]).map(String));
  const applicable = policies.filter((p) => {
    const acts = p.actions ?? p.action ?? '*';
    const okAction = acts === '*' || acts === action || (Array.isArray(acts) && (acts.includes(action) || acts.includes('*')));
    const need = p.role == null ? [] : (Array.isArray(p.role) ? p.role : [p.role]).map(String);
    return okAction && (need.length === 0 || need.some((r) => held.has(r)));
  });
  const matched = applicable.filter((p) => holds(p.conditions ?? p.condition_json, { auth, row }));
  const deny = matched.find((p) => String(p.effect ?? 'allow') === 'deny');
  const allow = matched.find((p) => String(p.effect ?? 'allow') === 'allow');
  const name = (p: Record<string, unknown>) => p.name ?? p.id ?? null;
  return {
    allowed: !deny && !!allow,
    decided_by: deny ? name(deny) : allow ? name(allow) : null,
    reason: deny ? 'deny policy matched' : allow ? 'allow policy matched' : 'no allow policy matched (default deny)',
  };
}

export const policySimulationActions = {
  /**
   * Body: `policy` (one inline policy or a list) or `object_type_id` (its stored policies), plus
   * `auth_context` (the caller: `{user_id, roles, ...}`), `sample_data` (one row or a list) and
   * `action` (default read). Answers per row whether the request would be allowed and why.
   */
  simulateRlsPolicy: async (a) => {
    const b = bodyOf(a);
    let policies: Record<string, unknown>[];
    if (b.policy !== undefined && b.policy !== null) policies = (Array.isArray(b.policy) ? b.policy : [b.policy]).map(asObject);
    else if (typeof b.object_type_id === 'string') {
      const type = await loadType(a.trx, tenantOf(a), b.object_type_id);
      const stored = await a
        .trx(T.records)
        .where({ company_id: tenantOf(a), kind: 'policies', parent_id: type.id })
        .orderBy(['created_at', 'id'])
        .select('id', 'data');
      policies = stored.map((p): Record<string, unknown> => ({ id: p.id, ...asObject(p.data) })).filter((p) => p.enabled !== false);
    } else throw validation({ policy: ['give a policy (or a list), or object_type_id to use the stored policies'] });
    const rows: unknown[] = Array.isArray(b.sample_data) ? b.sample_data : b.sample_data === undefined ? [{}] : [b.sample_data];
    const action = typeof b.action === 'string' ? b.action : 'read';
    try {
      const results = rows.map((row, i) => ({ index: i, ...evaluate(policies, b.auth_context ?? {}, row, action) }));
      return { body: { action, policies_evaluated: policies.length, results, allowed_count: results.filter((r) => r.allowed).length } };
    } catch (e) {
      throw validation({ policy: [(e as Error).message] });
    }
  },
} satisfies Record<string, ActionHandler>;
