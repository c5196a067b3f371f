/**
 * Capabilities per role (docs/api/roomloop-api.txt: 403 forbidden when the role lacks the capability).
 * Admins hold every permission. Teachers may browse facilities and book; accounts, reports,
 * webhooks, facility edits and permanent deletes are admin-only. Ownership (a teacher may only
 * change their own reservation) is checked by the handlers.
 */
export const TEACHER_PERMISSIONS: ReadonlySet<string> = new Set([
  'facilities.facilities.view',
  'roomloop.facilities.availability',
  'roomloop.reservations.create',
  'roomloop.reservations.list',
  'roomloop.reservations.update',
  'roomloop.auth.logout',
]);

export function roleCan(role: string | undefined, permission: string): boolean {
  if (role === 'admin') return true;
  return role === 'teacher' && TEACHER_PERMISSIONS.has(permission);
}
