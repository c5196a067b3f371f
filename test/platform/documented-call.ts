/**
 * One call through the platform server, checked against generated/platform/openapi.json: the status is
 * one the document lists for the operation and the JSON body validates against its schema (the fuzz
 * suite's ajv validator). For tests that prove an answer is documented as it comes back.
 */
import { expect } from 'vitest';
import type { TestService } from '../helpers/test-service.ts';
import { ResponseValidator } from '../fuzz/lib/checks.ts';
import { documented, loadDoc, operations, type Operation } from '../fuzz/lib/operations.ts';

const doc = loadDoc('platform');
const validator = new ResponseValidator(doc);
const byKey = new Map(operations(doc).map((op) => [op.key, op]));

function fill(template: string, values: readonly string[]): string {
  let i = 0;
  return template.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[i++] ?? ''));
}

/** `opKey` is `METHOD /template` as the document has it; returns the envelope's `data` of a 2xx. */
export async function documentedCall(
  svc: TestService,
  key: string,
  opKey: string,
  values: readonly string[] = [],
  body?: unknown,
  query = '',
): Promise<any> {
  const op: Operation | undefined = byKey.get(opKey);
  expect(op, `${opKey} is in the document`).toBeDefined();
  const [method, template] = opKey.split(' ') as [string, string];
  const res = await fetch(svc.api + fill(template, values).replace(/^\//, '') + query, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, `${opKey} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(300);
  const media = documented(op!, res.status);
  expect(media?.['application/json'], `${opKey}: a JSON body is documented for ${res.status}`).toBeTruthy();
  const value = JSON.parse(text);
  expect(validator.validate(media!['application/json']!, value), `${opKey}: ${text.slice(0, 300)}`).toBeNull();
  return value.data;
}
