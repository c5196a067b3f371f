/**
 * One classified difference between two versions of a service (the unit `loopgen diff` reports
 * and the SDK changelog is written from).
 */

/** `breaking`: existing clients or data fail; `potentially-breaking`: some may; `safe`: none should. */
export type Severity = 'breaking' | 'potentially-breaking' | 'safe';

export const SEVERITIES: readonly Severity[] = ['breaking', 'potentially-breaking', 'safe'];

/** What the change touches: the HTTP contract, the database schema, or the catalogue's access rules. */
export type ChangeArea = 'api' | 'database' | 'access';

export interface Change {
  readonly service: string;
  readonly area: ChangeArea;
  /** `GET /booking/services/`, `table booking_services`, `resource booking.services`, or `service`. */
  readonly subject: string;
  /** Stable rule id, e.g. `response-property-removed` (README "loopgen diff" lists them). */
  readonly rule: string;
  readonly severity: Severity;
  /** One sentence an app team reads, without the subject. */
  readonly message: string;
  /** New capability (operation, optional field, enum value in a request): a minor SDK release. */
  readonly addition?: boolean;
}

export function change(c: Change): Change {
  return c;
}

/** Sort for stable output: service, severity, subject, rule, message. */
export function compareChanges(a: Change, b: Change): number {
  return (
    cmp(a.service, b.service) ||
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    cmp(a.area, b.area) ||
    cmp(a.subject, b.subject) ||
    cmp(a.rule, b.rule) ||
    cmp(a.message, b.message)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
