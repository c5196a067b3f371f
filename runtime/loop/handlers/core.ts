/**
 * CRUD handlers of LOOP's core resources (spec/loop/core.yaml `handlers:`): company creation open to
 * signed-in users, the superuser-only company switch, and the last-owner rule of memberships. The
 * rules live in runtime/loop/tenancy/company-writes.ts; these are the catalogue's entry points.
 */
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import { createCompany, deleteMembership, updateCompany, updateMembership } from '../tenancy/company-writes.ts';

export const coreHandlers = {
  'core.createCompany': createCompany,
  'core.updateCompany': updateCompany,
  'core.updateMembership': updateMembership,
  'core.deleteMembership': deleteMembership,
} satisfies Partial<LoopHandlers>;
