/** An account as the API shows it (never the Google subject). */
import { isoSeconds } from '../clock.ts';

export function accountView(a: Record<string, unknown>) {
  return {
    id: a.id as string,
    email: a.email as string,
    name: a.name as string,
    department: (a.department as string | null) ?? null,
    role: a.role as string,
    status: a.status as string,
    created_at: isoSeconds((a.created_at as Date | string | undefined) ?? new Date()),
    // The account resource's read schema (spec/roomloop/accounts.yaml) has both timestamps, as its list shows.
    updated_at: isoSeconds((a.updated_at as Date | string | undefined) ?? (a.created_at as Date | string | undefined) ?? new Date()),
  };
}
