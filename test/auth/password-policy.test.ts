import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../runtime/security/password-hash.ts';
import { passwordProblems } from '../../runtime/security/password-policy.ts';

describe('password policy', () => {
  it('accepts the seed Quick Test password', () => {
    expect(passwordProblems('strongpass123', { email: 'dev@example.com', username: 'dev' })).toEqual([]);
  });

  it.each([
    ['short', 'Ab3$x', /too short/],
    ['numeric', '1234567890123', /entirely numeric/],
    ['common', 'password', /too common/],
    ['common with suffix', 'Password123!', /too common/],
    ['like the email', 'jane.doe@example.com', /too similar/],
    ['like the username', 'janedoe77', /too similar/],
  ])('refuses a %s password', (_, pw, msg) => {
    expect(passwordProblems(pw, { email: 'jane.doe@example.com', username: 'janedoe' }).join(' ')).toMatch(msg);
  });

  it('hashes with argon2id and verifies', async () => {
    const h = await hashPassword('correct horse battery');
    expect(h.startsWith('$argon2id$')).toBe(true);
    expect(h).not.toContain('correct horse');
    expect(await verifyPassword(h, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(h, 'correct horse battery!')).toBe(false);
    expect(await verifyPassword(null, 'anything')).toBe(false);
  });
});
