/**
 * Create and update of automations (spec/platform/automations.yaml `handlers:`): the generic write,
 * refusing (400, naming `actions.<n>.url`) a step URL the egress policy refuses — a literal metadata
 * or link-local address always, loopback/private ones under LOOP_EGRESS_PRIVATE=deny. Templated URLs
 * (`{{data.url}}`) and host names are judged when the step runs (http-step.ts).
 */
import { automationsAutomationResource } from '../../../generated/platform/server/automations.ts';
import { validation } from '../../http/api-error.ts';
import { jsonValue, refusedUrlFields } from '../../effects/egress/url-policy.ts';
import { checkedWrites } from '../records/checked-writes.ts';

/** `{ "<prefix>.<n>.url": url }` of each step of a list of steps that has a URL. */
export function stepUrls(steps: unknown, prefix: string): Record<string, unknown> {
  const list = jsonValue(steps);
  const out: Record<string, unknown> = {};
  if (Array.isArray(list))
    list.forEach((s, i) => {
      if (s && typeof s === 'object' && 'url' in s) out[`${prefix}.${i}.url`] = (s as { url: unknown }).url;
    });
  return out;
}

export const automationWrites = checkedWrites(automationsAutomationResource, (_a, values) => {
  if ('actions' in values) {
    const refused = refusedUrlFields(stepUrls(values.actions, 'actions'));
    if (Object.keys(refused).length) throw validation(refused);
  }
  return values;
});
