/**
 * A facility's configuration as the rules engine reads it: `slots` (the numbered periods of a day) and
 * `rules` (rule code → that rule's parameters), both json columns provisioned from
 * spec/roomloop/facilities.yaml and changed by PATCH /v1/facilities/:id. One zod schema per rule's
 * parameters; checked strictly, because a misspelt code or parameter must not silently disable a rule.
 * The same schemas refuse bad input at the API (runtime/roomloop/facilities/update-facility.ts) and
 * decide whether a stored row can be booked (runtime/roomloop/reservations/facility-repo.ts).
 */
import { z } from 'zod';
import { ALWAYS_APPLIED, type RuleCode } from './rule-codes.ts';
import { isValidDate } from './dates.ts';

const calendarDate = z.string().refine(isValidDate, 'Use a calendar date YYYY-MM-DD.');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a 24-hour time HH:MM.');
const names = z.array(z.string().min(1).max(100)).min(1);

export const ruleParamSchemas = {
  'R-02': z.strictObject({ max_days_ahead: z.int().min(0).default(60) }),
  'R-05': z.strictObject({ max: z.int().min(1) }),
  'R-06': z.strictObject({ max: z.int().min(1) }),
  'R-07': z.strictObject({ max: z.int().min(1) }),
  'R-08': z.strictObject({
    roles: z
      .array(z.enum(['teacher', 'admin']))
      .min(1)
      .optional(),
    departments: names.optional(),
  }),
  'R-09': z.strictObject({ dates: z.array(calendarDate) }),
  'R-11': z.strictObject({}),
} as const;

export type ConfigurableRule = keyof typeof ruleParamSchemas;
const CONFIGURABLE = Object.keys(ruleParamSchemas) as ConfigurableRule[];

function isConfigurable(code: string): code is ConfigurableRule {
  return Object.prototype.hasOwnProperty.call(ruleParamSchemas, code);
}

export type RuleParams = { -readonly [K in ConfigurableRule]?: z.output<(typeof ruleParamSchemas)[K]> };

/** `rules`: each key a configurable rule code, each value that rule's parameters (issues are reported under the code). */
export const rulesSchema = z
  .record(z.string(), z.unknown(), { error: 'Expected an object of rule code → parameters, e.g. {"R-05": {"max": 3}}.' })
  .transform((obj, ctx): RuleParams => {
    const out: Record<string, unknown> = {};
    for (const [code, params] of Object.entries(obj)) {
      if (!isConfigurable(code)) {
        ctx.addIssue({ code: 'custom', path: [code], message: `Not a configurable rule; use ${CONFIGURABLE.join(', ')}.` });
        continue;
      }
      const parsed = ruleParamSchemas[code].safeParse(params);
      if (parsed.success) out[code] = parsed.data;
      else for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: [code, ...issue.path], message: issue.message });
    }
    return out as RuleParams;
  });

/** One period of a facility's day, e.g. `{ number: 2, label: "10:00–10:50", start: "10:00", end: "10:50" }`. */
export const slotSchema = z.strictObject({
  number: z.int().min(1).max(1000),
  label: z.string().min(1).max(100),
  start: clockTime.optional(),
  end: clockTime.optional(),
});

/** `slots`: at least one period, numbers unique, each ending after it starts; sorted by number. */
export const slotsSchema = z
  .array(slotSchema, { error: 'Expected a list of slots [{number, label, start, end}].' })
  .min(1)
  .superRefine((slots, ctx) => {
    const seen = new Set<number>();
    slots.forEach((s, i) => {
      if (seen.has(s.number)) ctx.addIssue({ code: 'custom', path: [i, 'number'], message: `Slot number ${s.number} is used twice.` });
      seen.add(s.number);
      if (s.start && s.end && s.end <= s.start)
        ctx.addIssue({ code: 'custom', path: [i, 'end'], message: 'A slot must end after it starts.' });
    });
  })
  .transform((slots) => [...slots].sort((a, b) => a.number - b.number));

export type FacilitySlotConfig = z.output<typeof slotSchema>;

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

/** First issue of a failed parse as `field.path: message`, for error messages about stored rows. */
export function firstIssue(err: z.ZodError, field: string): string {
  const issue = err.issues[0];
  return `${[field, ...(issue?.path ?? []).map(String)].join('.')}: ${issue?.message ?? 'invalid'}`;
}

/** The engine's view of validated rule parameters: R-02 always present, `applied` listing every rule that runs. */
export function toRulesConfig(params: RuleParams): RulesConfig {
  const applied = new Set<RuleCode>(ALWAYS_APPLIED);
  for (const code of Object.keys(params)) applied.add(code as RuleCode);
  return { ...params, 'R-02': params['R-02'] ?? { max_days_ahead: 60 }, applied: [...applied].sort(compareCodes) };
}

/** Parses a stored `rules` value; throws RulesConfigError naming the first problem. */
export function parseRulesConfig(raw: unknown, facilityId: string): RulesConfig {
  const parsed = rulesSchema.safeParse(raw ?? {});
  if (!parsed.success) throw new RulesConfigError(`facility ${facilityId}: ${firstIssue(parsed.error, 'rules')}`);
  return toRulesConfig(parsed.data);
}

export function compareCodes(a: string, b: string): number {
  return Number(a.slice(2)) - Number(b.slice(2));
}
