/**
 * The reservation rules engine: pure checks over a facility, a request, the actor and the actor's
 * current usage. The database supplies the inputs (and enforces R-03 itself with a unique index);
 * this file only decides. The first failing rule wins, checked in a teacher-sensible order
 * (is the room bookable at all, is the time sensible, may *you* book it, how much).
 */
import { ADMIN_EXEMPT, type RuleCode } from './rule-codes.ts';
import type { RulesConfig } from './rules-config.ts';
import { daysBetween, isValidDate } from './dates.ts';

export interface FacilitySlot {
  readonly number: number;
  readonly label: string;
  readonly start?: string;
  readonly end?: string;
}

export interface RuleFacility {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly capacity: number;
  readonly slots: readonly FacilitySlot[];
  readonly rules: RulesConfig;
}

export interface RuleRequest {
  readonly date: string;
  readonly startSlot: number;
  readonly endSlot: number;
  readonly attendees?: number | null;
}

export interface RuleActor {
  readonly role: string;
  readonly department: string | null;
  /** Null for a server key with no account: per-teacher quotas cannot apply. */
  readonly userId: string | null;
}

/** Slots the actor already holds (live reservations), for quotas. */
export interface RuleUsage {
  readonly slotsOnDay: number;
  readonly slotsInWeek: number;
}

export interface RuleInput {
  readonly facility: RuleFacility;
  readonly request: RuleRequest;
  readonly actor: RuleActor;
  readonly today: string;
  readonly usage: RuleUsage;
}

export interface Refusal {
  readonly rule: RuleCode;
  readonly message: string;
}

export interface Outcome {
  /** Rules that were checked for this request, in code order. */
  readonly applied: readonly RuleCode[];
  readonly approvalRequired: boolean;
  readonly status: 'pending' | 'confirmed';
}

type Check = (input: RuleInput) => string | null;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const CHECKS: ReadonlyArray<readonly [RuleCode, Check]> = [
  [
    'R-01',
    ({ facility }) =>
      facility.status === 'active'
        ? null
        : `${facility.name} is ${facility.status === 'maintenance' ? 'closed for maintenance' : 'closed'} and cannot be booked right now.`,
  ],
  [
    'R-04',
    ({ facility, request }) => {
      const numbers = new Set(facility.slots.map((s) => s.number));
      if (request.endSlot < request.startSlot)
        return `The end slot (${request.endSlot}) comes before the start slot (${request.startSlot}).`;
      for (let n = request.startSlot; n <= request.endSlot; n++) {
        if (!numbers.has(n))
          return `${facility.name} has no slot ${n}; its slots are numbered ${[...numbers].sort((a, b) => a - b).join(', ')}.`;
      }
      return null;
    },
  ],
  [
    'R-02',
    ({ facility, request, today }) => {
      if (!isValidDate(request.date)) return `${request.date} is not a calendar date.`;
      const ahead = daysBetween(today, request.date);
      if (ahead < 0) return `${request.date} is in the past; pick today or a later date.`;
      const max = facility.rules['R-02'].max_days_ahead;
      if (ahead > max) return `${facility.name} can be booked at most ${plural(max, 'day')} ahead.`;
      return null;
    },
  ],
  [
    'R-09',
    ({ facility, request }) =>
      facility.rules['R-09']?.dates.includes(request.date) ? `${facility.name} is closed on ${request.date} (blackout date).` : null,
  ],
  [
    'R-08',
    ({ facility, actor }) => {
      const p = facility.rules['R-08'];
      if (!p) return null;
      if (p.roles && !p.roles.includes(actor.role)) return `${facility.name} can only be booked by: ${p.roles.join(', ')}.`;
      if (p.departments && (!actor.department || !p.departments.includes(actor.department))) {
        return `${facility.name} is reserved for the ${p.departments.join(' / ')} department${p.departments.length === 1 ? '' : 's'}.`;
      }
      return null;
    },
  ],
  [
    'R-10',
    ({ facility, request }) =>
      request.attendees != null && request.attendees > facility.capacity
        ? `${facility.name} holds ${facility.capacity} people; ${request.attendees} is too many.`
        : null,
  ],
  [
    'R-05',
    ({ facility, request }) => {
      const max = facility.rules['R-05']?.max;
      const n = request.endSlot - request.startSlot + 1;
      return max != null && n > max
        ? `${facility.name} can be booked for at most ${plural(max, 'consecutive slot')}; you asked for ${n}.`
        : null;
    },
  ],
  [
    'R-06',
    ({ facility, request, usage }) => {
      const max = facility.rules['R-06']?.max;
      const n = request.endSlot - request.startSlot + 1;
      return max != null && usage.slotsOnDay + n > max
        ? `You can book at most ${plural(max, 'slot')} per day; you already hold ${usage.slotsOnDay} on ${request.date}.`
        : null;
    },
  ],
  [
    'R-07',
    ({ facility, request, usage }) => {
      const max = facility.rules['R-07']?.max;
      const n = request.endSlot - request.startSlot + 1;
      return max != null && usage.slotsInWeek + n > max
        ? `You can book at most ${plural(max, 'slot')} per week; you already hold ${usage.slotsInWeek} that week.`
        : null;
    },
  ],
];

function exempt(actor: RuleActor, code: RuleCode): boolean {
  if (actor.role === 'admin' && ADMIN_EXEMPT.includes(code)) return true;
  // Quotas are per teacher: a key with no account has no one to count against.
  return (code === 'R-06' || code === 'R-07') && actor.userId == null;
}

/** Evaluates every applicable rule except R-03 (the database decides conflicts). */
export function evaluate(input: RuleInput): { refusal: Refusal } | { outcome: Outcome } {
  const applied = input.facility.rules.applied;
  for (const [code, check] of CHECKS) {
    if (!applied.includes(code) || exempt(input.actor, code)) continue;
    const message = check(input);
    if (message) return { refusal: { rule: code, message } };
  }
  const approvalRequired = applied.includes('R-11') && !exempt(input.actor, 'R-11');
  return { outcome: { applied, approvalRequired, status: approvalRequired ? 'pending' : 'confirmed' } };
}

/** Whether quota usage must be read for this facility and actor (skips a query otherwise). */
export function needsUsage(facility: RuleFacility, actor: RuleActor): boolean {
  return (['R-06', 'R-07'] as const).some((c) => facility.rules.applied.includes(c) && !exempt(actor, c));
}
