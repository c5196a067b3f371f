/**
 * Role-matrix cases that fail because of a known permission bug in the runtime, keyed
 * `<resource id> > <role> <operation>`, each with the reason. They run as `it.fails`: the suite stays
 * green while the bug is open and turns red the day it is fixed, so the entry is removed then.
 */
const COMPANY_RESTORE =
  'a deleted company cannot be selected with X-Company-ID (403 company_access_denied), so its own admin/owner ' +
  'can never restore it although the catalogue grants restore with core.companies.delete';

export const ROLE_KNOWN_ISSUES: Readonly<Record<string, string>> = {
  'loop.core.companies > admin restore': COMPANY_RESTORE,
  'loop.core.companies > owner restore': COMPANY_RESTORE,
};
