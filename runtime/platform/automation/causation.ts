/**
 * Loop protection for event-driven automations. An event written by an automation's action carries
 * `causation: {depth, chain, root_event_id}` in its data: depth counts the automation hops since the
 * first event nobody automated (a user's write), chain names the automations of those hops. A run that
 * would start at MAX_DEPTH is cut off and recorded as failed with AUTOMATION_LOOP, so an automation
 * that re-triggers itself (directly or through others) stops after a few rounds instead of forever —
 * while one deliberate follow-up (an update that triggers a second, condition-skipped run) still works.
 */
import { asObject } from '../http/action-context.ts';

export const MAX_DEPTH = 5;
export const LOOP_CODE = 'AUTOMATION_LOOP';

export interface Causation {
  /** Automation hops before this event (0: not written by an automation). */
  readonly depth: number;
  /** Automation ids of those hops, oldest first. */
  readonly chain: readonly string[];
  /** The first event of the chain. */
  readonly root_event_id: string | null;
}

/** The causation an event carries; none means an outside write (depth 0). */
export function causationOf(eventId: string, data: unknown): Causation {
  const c = asObject(asObject(data).causation);
  const depth = Number.isInteger(c.depth) && (c.depth as number) >= 0 ? (c.depth as number) : 0;
  const chain = Array.isArray(c.chain) ? c.chain.map(String) : [];
  const root = typeof c.root_event_id === 'string' ? c.root_event_id : eventId;
  return { depth, chain, root_event_id: root };
}

/** The causation of events an automation's run writes while handling an event with `from`. */
export function nextCausation(from: Causation, automationId: string): Causation {
  return { depth: from.depth + 1, chain: [...from.chain, automationId], root_event_id: from.root_event_id };
}

export function loopMessage(from: Causation, automationId: string): string {
  return `Automation chain reached depth ${from.depth} (limit ${MAX_DEPTH}): ${[...from.chain, automationId].join(' → ')}. The run was cut off; an action of an automation in this chain triggers the chain again.`;
}
