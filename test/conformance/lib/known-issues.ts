/**
 * Conformance cases that fail because of a known bug in the runtime or catalogue, each with the
 * reason, keyed `<resource id> > <test title>`. They run as `it.fails`: the suite stays green while
 * the bug is open, and turns red the day it is fixed, so the entry is removed then.
 * Report new entries to the owners of runtime/ and spec/ rather than widening this list.
 */
import { it, type TestFunction } from 'vitest';
import type { ResourceState } from './resource-state.ts';

export const KNOWN_ISSUES: Readonly<Record<string, string>> = {};

/** `it`, or `it.fails` with the reason in the title when the case is a known issue. */
export function caseIt(s: ResourceState, title: string, fn: TestFunction): void {
  const reason = KNOWN_ISSUES[`${s.r.id} > ${title}`];
  if (reason) it.fails(`${title} — known issue: ${reason}`, fn);
  else it(title, fn);
}
