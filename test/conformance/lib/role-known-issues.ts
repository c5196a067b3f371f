/**
 * Role-matrix cases that fail because of a known permission bug in the runtime, keyed
 * `<resource id> > <role> <operation>`, each with the reason. They run as `it.fails`: the suite stays
 * green while the bug is open and turns red the day it is fixed, so the entry is removed then.
 */
export const ROLE_KNOWN_ISSUES: Readonly<Record<string, string>> = {};
