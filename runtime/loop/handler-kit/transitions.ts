/** State machines of records: the one place that turns an illegal move into a 409 naming the current state. */
import { conflict } from '../../http/api-error.ts';

/** Throws 409 unless `current` is one of `from`. */
export function assertTransition(what: string, action: string, current: string, from: readonly string[]): void {
  if (from.includes(current)) return;
  const allowed = from.length ? from.join(', ') : 'no state';
  throw conflict(`${what} is ${current}; ${action} is allowed only from ${allowed}.`, 'invalid_state', {
    details: { current_status: current, allowed_from: from },
  });
}
