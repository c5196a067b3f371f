/** Rules configuration from the catalogue is checked strictly: typos must not disable a rule. */
import { describe, expect, it } from 'vitest';
import { parseRulesConfig, RulesConfigError, evaluate, isoWeek } from '../../runtime/roomloop/rules/index.ts';

describe('parseRulesConfig', () => {
  it('applies the always-on rules plus the configured ones, with R-02 defaulting to 60 days', () => {
    const c = parseRulesConfig({ 'R-05': { max: 2 } }, 'f');
    expect(c.applied).toEqual(['R-01', 'R-02', 'R-03', 'R-04', 'R-05', 'R-10']);
    expect(c['R-02']).toEqual({ max_days_ahead: 60 });
  });
  it('rejects unknown codes, non-configurable codes and misspelt parameters', () => {
    expect(() => parseRulesConfig({ 'R-99': {} }, 'f')).toThrow(RulesConfigError);
    expect(() => parseRulesConfig({ 'R-03': {} }, 'f')).toThrow(RulesConfigError);
    expect(() => parseRulesConfig({ 'R-05': { maximum: 2 } }, 'f')).toThrow(RulesConfigError);
  });
});

describe('evaluate', () => {
  const facility = {
    id: 'f',
    name: 'Lab',
    status: 'active',
    capacity: 10,
    slots: [1, 2, 3].map((n) => ({ number: n, label: `P${n}` })),
    rules: parseRulesConfig({ 'R-11': {} }, 'f'),
  };
  const input = {
    facility,
    today: '2026-06-08',
    usage: { slotsOnDay: 0, slotsInWeek: 0 },
    request: { date: '2026-06-10', startSlot: 1, endSlot: 2 },
  };
  it('needs approval for teachers but not admins (R-11)', () => {
    expect(evaluate({ ...input, actor: { role: 'teacher', department: null, userId: 'u' } })).toEqual({
      outcome: { applied: ['R-01', 'R-02', 'R-03', 'R-04', 'R-10', 'R-11'], approvalRequired: true, status: 'pending' },
    });
    expect(evaluate({ ...input, actor: { role: 'admin', department: null, userId: 'u' } })).toMatchObject({
      outcome: { status: 'confirmed' },
    });
  });
  it('reports the first failing rule in order: facility, then range, then date', () => {
    const closed = { ...facility, status: 'closed' };
    expect(
      evaluate({
        ...input,
        facility: closed,
        request: { date: '2026-01-01', startSlot: 3, endSlot: 9 },
        actor: { role: 'teacher', department: null, userId: 'u' },
      }),
    ).toMatchObject({ refusal: { rule: 'R-01' } });
    expect(
      evaluate({
        ...input,
        request: { date: '2026-02-30', startSlot: 1, endSlot: 1 },
        actor: { role: 'teacher', department: null, userId: 'u' },
      }),
    ).toMatchObject({ refusal: { rule: 'R-02' } });
  });
  it('ISO weeks run Monday to Sunday', () => {
    expect(isoWeek('2026-06-14')).toEqual({ start: '2026-06-08', end: '2026-06-14' });
    expect(isoWeek('2026-06-15')).toEqual({ start: '2026-06-15', end: '2026-06-21' });
  });
});
