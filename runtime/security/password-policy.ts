/**
 * Password strength rules, in the spirit of Django's default validators (minimum length, numeric,
 * common password, user-attribute similarity). Returns the messages for a DRF field error
 * `{"password": [...]}`; an empty list means the password is acceptable.
 */
import { COMMON_PASSWORDS } from './common-passwords.ts';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

export function passwordProblems(password: string, user: { email?: string | null; username?: string | null } = {}): string[] {
  const problems: string[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${MIN_PASSWORD_LENGTH} characters.`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    problems.push(`This password is too long. It must contain at most ${MAX_PASSWORD_LENGTH} characters.`);
  }
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || COMMON_PASSWORDS.has(lower.replace(/[\d!@#$%^&*.]+$/, ''))) {
    problems.push('This password is too common.');
  }
  if (tooSimilar(lower, user)) problems.push('The password is too similar to the email or username.');
  return problems;
}

/** Similar when a user attribute (or the email's local part) contains the password or vice versa. */
function tooSimilar(lower: string, user: { email?: string | null; username?: string | null }): boolean {
  const attrs: string[] = [];
  if (user.username) attrs.push(user.username.toLowerCase());
  if (user.email) {
    const email = user.email.toLowerCase();
    attrs.push(email, email.split('@')[0]!);
  }
  // Containment only counts when the attribute is a large part of the password (`dev` in `devops-rocket` is fine).
  return attrs.some(
    (a) => a.length >= 3 && ((lower.includes(a) && a.length * 2 >= lower.length) || a.includes(lower) || similarity(lower, a) > 0.7),
  );
}

/** Ratio of matching characters (Dice coefficient over bigrams), 0..1. */
function similarity(a: string, b: string): number {
  const grams = (s: string) => {
    const m = new Map<string, number>();
    for (let i = 0; i < s.length - 1; i++) m.set(s.slice(i, i + 2), (m.get(s.slice(i, i + 2)) ?? 0) + 1);
    return m;
  };
  const ga = grams(a);
  const gb = grams(b);
  let common = 0;
  for (const [g, n] of ga) common += Math.min(n, gb.get(g) ?? 0);
  const total = Math.max(a.length - 1, 0) + Math.max(b.length - 1, 0);
  return total === 0 ? 0 : (2 * common) / total;
}
