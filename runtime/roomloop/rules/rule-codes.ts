/**
 * Stable rule codes of the reservation rules engine. Clients and tests match on these, so a code
 * never changes meaning; new rules get new numbers. R-03 is fixed by docs/api/roomloop-api.txt (slot conflict → 409).
 */
export const RULES = {
  'R-01': 'facility_active',
  'R-02': 'booking_window',
  'R-03': 'slot_conflict',
  'R-04': 'slot_range',
  'R-05': 'max_consecutive_slots',
  'R-06': 'daily_quota',
  'R-07': 'weekly_quota',
  'R-08': 'role_department',
  'R-09': 'blackout_dates',
  'R-10': 'capacity',
  'R-11': 'approval_required',
  'R-12': 'status_transition',
} as const;

export type RuleCode = keyof typeof RULES;

/** Rules checked for every facility, whatever its `rules` config says. */
export const ALWAYS_APPLIED: readonly RuleCode[] = ['R-01', 'R-02', 'R-03', 'R-04', 'R-10'];

/** Rules an admin is not subject to (quotas, who-may-book, approval): admins manage the facilities. */
export const ADMIN_EXEMPT: readonly RuleCode[] = ['R-06', 'R-07', 'R-08', 'R-11'];

export function isRuleCode(s: string): s is RuleCode {
  return Object.prototype.hasOwnProperty.call(RULES, s);
}
