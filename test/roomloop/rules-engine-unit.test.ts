/**
 * The rules engine as pure functions (runtime/roomloop/rules/): the exact refusal messages a teacher
 * reads, the boundaries of each limit, who is exempt from what, and the facility-config schemas —
 * no database. The database-backed behaviour (R-03, usage counting) is in rules-engine.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, needsUsage, type RuleActor, type RuleFacility, type RuleInput } from '../../runtime/roomloop/rules/engine.ts';
import { parseRulesConfig, rulesSchema, slotsSchema, toRulesConfig, type RuleParams } from '../../runtime/roomloop/rules/rules-config.ts';
import { transitionError } from '../../runtime/roomloop/rules/transitions.ts';
import { daysBetween, isoWeek, isValidDate } from '../../runtime/roomloop/rules/dates.ts';

const slots = [1, 2, 3, 5].map((number) => ({ number, label: `P${number}` }));
const facility = (params: RuleParams = {}, extra: Partial<RuleFacility> = {}): RuleFacility => ({
  id: 'fx',
  name: 'Lab X',
  status: 'active',
  capacity: 20,
  slots,
  rules: toRulesConfig(params),
  ...extra,
});
const teacher: RuleActor = { role: 'teacher', department: 'Science', userId: 'usr_t' };
const admin: RuleActor = { role: 'admin', department: null, userId: 'usr_a' };
const serverKey: RuleActor = { role: 'teacher', department: null, userId: null };

function run(
  f: RuleFacility,
  o: Partial<RuleInput['request']> = {},
  actor: RuleActor = teacher,
  usage = { slotsOnDay: 0, slotsInWeek: 0 },
) {
  return evaluate({ facility: f, actor, today: '2026-06-08', usage, request: { date: '2026-06-10', startSlot: 1, endSlot: 1, ...o } });
}
const refusal = (r: ReturnType<typeof run>) => ('refusal' in r ? r.refusal : null);

describe('refusal messages and boundaries', () => {
  it('R-01 names why the facility cannot be booked', () => {
    expect(refusal(run(facility({}, { status: 'maintenance' })))).toEqual({
      rule: 'R-01',
      message: 'Lab X is closed for maintenance and cannot be booked right now.',
    });
    expect(refusal(run(facility({}, { status: 'closed' })))).toEqual({
      rule: 'R-01',
      message: 'Lab X is closed and cannot be booked right now.',
    });
  });
  it('R-04 lists the slots that exist, in order, and names an inverted range', () => {
    expect(refusal(run(facility({}, { slots: [...slots].reverse() }), { startSlot: 3, endSlot: 4 }))).toEqual({
      rule: 'R-04',
      message: 'Lab X has no slot 4; its slots are numbered 1, 2, 3, 5.',
    });
    expect(refusal(run(facility(), { startSlot: 3, endSlot: 2 }))).toEqual({
      rule: 'R-04',
      message: 'The end slot (2) comes before the start slot (3).',
    });
    expect(run(facility(), { startSlot: 1, endSlot: 3 })).toHaveProperty('outcome');
  });
  it('R-02: today is bookable, yesterday and the day after the window are not; not a calendar date', () => {
    const f = facility({ 'R-02': { max_days_ahead: 1 } });
    expect(run(f, { date: '2026-06-08' })).toHaveProperty('outcome');
    expect(run(f, { date: '2026-06-09' })).toHaveProperty('outcome');
    expect(refusal(run(f, { date: '2026-06-10' }))).toEqual({ rule: 'R-02', message: 'Lab X can be booked at most 1 day ahead.' });
    expect(refusal(run(facility({ 'R-02': { max_days_ahead: 2 } }), { date: '2026-06-11' }))!.message).toBe(
      'Lab X can be booked at most 2 days ahead.',
    );
    expect(refusal(run(f, { date: '2026-06-07' }))).toEqual({
      rule: 'R-02',
      message: '2026-06-07 is in the past; pick today or a later date.',
    });
    expect(refusal(run(f, { date: '2026-02-30' }))).toEqual({ rule: 'R-02', message: '2026-02-30 is not a calendar date.' });
  });
  it('R-09 blackout dates; a facility without them is open', () => {
    expect(refusal(run(facility({ 'R-09': { dates: ['2026-06-10'] } })))).toEqual({
      rule: 'R-09',
      message: 'Lab X is closed on 2026-06-10 (blackout date).',
    });
    expect(run(facility({ 'R-09': { dates: ['2026-06-11'] } }))).toHaveProperty('outcome');
  });
  it('R-08 roles, then departments (singular and plural), and an actor without a department', () => {
    expect(refusal(run(facility({ 'R-08': { roles: ['admin'] } })))).toEqual({
      rule: 'R-08',
      message: 'Lab X can only be booked by: admin.',
    });
    expect(refusal(run(facility({ 'R-08': { departments: ['Music'] } })))).toEqual({
      rule: 'R-08',
      message: 'Lab X is reserved for the Music department.',
    });
    expect(refusal(run(facility({ 'R-08': { departments: ['Music', 'Art'] } })))!.message).toBe(
      'Lab X is reserved for the Music / Art departments.',
    );
    expect(refusal(run(facility({ 'R-08': { departments: ['Science'] } }), {}, serverKey))!.rule).toBe('R-08');
    expect(run(facility({ 'R-08': { roles: ['teacher'], departments: ['Science'] } }))).toHaveProperty('outcome');
  });
  it('R-10 capacity: exactly full is fine, one more is refused', () => {
    expect(run(facility(), { attendees: 20 })).toHaveProperty('outcome');
    expect(refusal(run(facility(), { attendees: 21 }))).toEqual({ rule: 'R-10', message: 'Lab X holds 20 people; 21 is too many.' });
  });
  it('R-05 consecutive slots: at the maximum is fine', () => {
    const f = facility({ 'R-05': { max: 2 } });
    expect(run(f, { startSlot: 1, endSlot: 2 })).toHaveProperty('outcome');
    expect(refusal(run(f, { startSlot: 1, endSlot: 3 }))).toEqual({
      rule: 'R-05',
      message: 'Lab X can be booked for at most 2 consecutive slots; you asked for 3.',
    });
    expect(refusal(run(facility({ 'R-05': { max: 1 } }), { startSlot: 1, endSlot: 2 }))!.message).toBe(
      'Lab X can be booked for at most 1 consecutive slot; you asked for 2.',
    );
  });
  it('R-06 / R-07 quotas count what is held plus what is asked', () => {
    const day = facility({ 'R-06': { max: 3 } });
    expect(run(day, { startSlot: 1, endSlot: 2 }, teacher, { slotsOnDay: 1, slotsInWeek: 0 })).toHaveProperty('outcome');
    expect(refusal(run(day, { startSlot: 1, endSlot: 2 }, teacher, { slotsOnDay: 2, slotsInWeek: 0 }))).toEqual({
      rule: 'R-06',
      message: 'You can book at most 3 slots per day; you already hold 2 on 2026-06-10.',
    });
    const week = facility({ 'R-07': { max: 1 } });
    expect(run(week, {}, teacher, { slotsOnDay: 0, slotsInWeek: 0 })).toHaveProperty('outcome');
    expect(refusal(run(week, {}, teacher, { slotsOnDay: 0, slotsInWeek: 1 }))).toEqual({
      rule: 'R-07',
      message: 'You can book at most 1 slot per week; you already hold 1 that week.',
    });
  });
  it('the first failing rule wins, in the engine order (R-01 before R-04 before R-02 …)', () => {
    expect(refusal(run(facility({}, { status: 'closed' }), { startSlot: 9, endSlot: 9, date: '2020-01-01' }))!.rule).toBe('R-01');
    expect(refusal(run(facility(), { startSlot: 9, endSlot: 9, date: '2020-01-01' }))!.rule).toBe('R-04');
  });
});

describe('exemptions and approval', () => {
  it('admins skip quotas, who-may-book and approval, but not capacity or the window', () => {
    const f = facility({ 'R-06': { max: 1 }, 'R-07': { max: 1 }, 'R-08': { roles: ['teacher'] }, 'R-11': {} });
    expect(run(f, { startSlot: 1, endSlot: 3 }, admin, { slotsOnDay: 5, slotsInWeek: 5 })).toEqual({
      outcome: {
        applied: ['R-01', 'R-02', 'R-03', 'R-04', 'R-06', 'R-07', 'R-08', 'R-10', 'R-11'],
        approvalRequired: false,
        status: 'confirmed',
      },
    });
    expect(refusal(run(f, { attendees: 99 }, admin))!.rule).toBe('R-10');
    expect(refusal(run(f, { date: '2027-01-01' }, admin))!.rule).toBe('R-02');
  });
  it('a server key without an account has no quota to count, but is still a teacher for R-08 and R-11', () => {
    const quotas = facility({ 'R-06': { max: 1 }, 'R-07': { max: 1 } });
    expect(run(quotas, { startSlot: 1, endSlot: 3 }, serverKey, { slotsOnDay: 9, slotsInWeek: 9 })).toHaveProperty('outcome');
    expect(refusal(run(facility({ 'R-08': { roles: ['admin'] } }), {}, serverKey))!.rule).toBe('R-08');
    expect(run(facility({ 'R-11': {} }), {}, serverKey)).toMatchObject({ outcome: { approvalRequired: true, status: 'pending' } });
  });
  it('R-11 makes a teacher booking pending', () => {
    expect(run(facility({ 'R-11': {} }))).toMatchObject({ outcome: { approvalRequired: true, status: 'pending' } });
    expect(run(facility())).toMatchObject({ outcome: { approvalRequired: false, status: 'confirmed' } });
  });
  it('needsUsage: only when a quota applies to this actor', () => {
    expect(needsUsage(facility(), teacher)).toBe(false);
    expect(needsUsage(facility({ 'R-06': { max: 1 } }), teacher)).toBe(true);
    expect(needsUsage(facility({ 'R-07': { max: 1 } }), teacher)).toBe(true);
    expect(needsUsage(facility({ 'R-06': { max: 1 } }), admin)).toBe(false);
    expect(needsUsage(facility({ 'R-07': { max: 1 } }), serverKey)).toBe(false);
  });
});

describe('R-12 transitions', () => {
  it('pending confirms or cancels, confirmed cancels, cancelled is final; staying put is no change', () => {
    expect(transitionError('pending', 'confirmed')).toBeNull();
    expect(transitionError('pending', 'cancelled')).toBeNull();
    expect(transitionError('confirmed', 'cancelled')).toBeNull();
    expect(transitionError('confirmed', 'confirmed')).toBeNull();
    expect(transitionError('confirmed', 'pending')).toBe('A confirmed reservation cannot be changed to pending.');
    expect(transitionError('cancelled', 'confirmed')).toBe('This reservation was cancelled; make a new reservation instead.');
    expect(transitionError('cancelled', 'pending')).toBe('This reservation was cancelled; make a new reservation instead.');
  });
});

describe('dates', () => {
  it('calendar dates only, in the exact YYYY-MM-DD form', () => {
    expect(isValidDate('2026-02-28')).toBe(true);
    expect(isValidDate('2028-02-29')).toBe(true);
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(isValidDate('2026-6-1')).toBe(false);
    expect(isValidDate('x2026-06-01')).toBe(false);
    expect(isValidDate('2026-06-01x')).toBe(false);
    expect(daysBetween('2026-06-08', '2026-07-08')).toBe(30);
    expect(isoWeek('2026-06-14')).toEqual({ start: '2026-06-08', end: '2026-06-14' });
    expect(isoWeek('2026-06-08')).toEqual({ start: '2026-06-08', end: '2026-06-14' });
  });
});

describe('facility config schemas', () => {
  it('rules: unknown codes and bad parameters are reported under the code', () => {
    const bad = rulesSchema.safeParse({ 'R-99': {}, 'R-05': { max: 0 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['R-99', 'Not a configurable rule; use R-02, R-05, R-06, R-07, R-08, R-09, R-11.'],
      ['R-05.max', expect.stringContaining('>=1')],
    ]);
    expect(() => parseRulesConfig({ 'R-05': { max: 'x' } }, 'f9')).toThrow(/^facility f9: rules\.R-05\.max: /);
    expect(parseRulesConfig(null, 'f9')).toEqual({ 'R-02': { max_days_ahead: 60 }, applied: ['R-01', 'R-02', 'R-03', 'R-04', 'R-10'] });
  });
  it('slots: unique numbers, each ending after it starts, sorted by number', () => {
    expect(
      slotsSchema
        .parse([
          { number: 2, label: 'b', start: '10:00', end: '10:50' },
          { number: 1, label: 'a' },
        ])
        .map((s) => s.number),
    ).toEqual([1, 2]);
    const twice = slotsSchema.safeParse([
      { number: 1, label: 'a' },
      { number: 1, label: 'b' },
    ]);
    expect(twice.error!.issues).toMatchObject([{ path: [1, 'number'], message: 'Slot number 1 is used twice.' }]);
    const backwards = slotsSchema.safeParse([{ number: 1, label: 'a', start: '10:00', end: '10:00' }]);
    expect(backwards.error!.issues).toMatchObject([{ path: [0, 'end'], message: 'A slot must end after it starts.' }]);
    expect(slotsSchema.safeParse([{ number: 1, label: 'a', start: '10:00' }]).success).toBe(true);
    expect(slotsSchema.safeParse([{ number: 1, label: 'a', start: '24:00', end: '25:00' }]).success).toBe(false);
  });
});
