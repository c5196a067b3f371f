/**
 * A facility's rules configuration, read from its `rules` json column (provisioned from
 * spec/roomloop/facilities.yaml). Keys are rule codes; values are that rule's parameters.
 * Checked strictly: a misspelt code or parameter in the catalogue must not silently disable a rule.
 */
import { z } from 'zod';
import { isRuleCode, type RuleCode } from './rule-codes.ts';

const dateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const ruleParamSchemas = {
  'R-02': z.strictObject({ max_days_ahead: z.int().min(0).default(60) }),
  'R-05': z.strictObject({ max: z.int().min(1) }),
  'R-06': z.strictObject({ max: z.int().min(1) }),
  'R-07': z.strictObject({ max: z.int().min(1) }),
  'R-08': z.strictObject({ roles: z.array(z.string()).optional(), departments: z.array(z.string()).optional() }),
  'R-09': z.strictObject({ dates: z.array(dateString) }),
  'R-11': z.strictObject({}),
} as const;

export type ConfigurableRule = keyof typeof ruleParamSchemas;

export interface RulesConfig {
  readonly 'R-02': { max_days_ahead: number };
  readonly 'R-05'?: { max: number };
  readonly 'R-06'?: { max: number };
  readonly 'R-07'?: { max: number };
  readonly 'R-08'?: { roles?: string[]; departments?: string[] };
  readonly 'R-09'?: { dates: string[] };
  readonly 'R-11'?: Record<string, never>;
  /** Rule codes that apply to this facility (always-applied ones included). */
  readonly applied: readonly RuleCode[];
}

export class RulesConfigError extends Error {}

export function parseRulesConfig(raw: unknown, facilityId: string): RulesConfig {
  const obj = (typeof raw === 'string' ? JSON.parse(raw) : raw ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [code, params] of Object.entries(obj)) {
    if (!isRuleCode(code) || !(code in ruleParamSchemas)) {
      throw new RulesConfigError(`facility ${facilityId}: unknown or non-configurable rule "${code}"`);
    }
    const parsed = ruleParamSchemas[code as ConfigurableRule].safeParse(params ?? {});
    if (!parsed.success) throw new RulesConfigError(`facility ${facilityId}: rule ${code}: ${parsed.error.issues[0]?.message}`);
    out[code] = parsed.data;
  }
  if (!out['R-02']) out['R-02'] = { max_days_ahead: 60 };
  const applied = new Set<RuleCode>(['R-01', 'R-02', 'R-03', 'R-04', 'R-10']);
  for (const code of Object.keys(out)) applied.add(code as RuleCode);
  return { ...(out as Omit<RulesConfig, 'applied'>), applied: [...applied].sort(compareCodes) } as RulesConfig;
}

export function compareCodes(a: string, b: string): number {
  return Number(a.slice(2)) - Number(b.slice(2));
}
