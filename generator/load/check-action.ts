/** Rules for actions: naming, status codes, module-vs-resource keys, and request/response shapes. */
import { didYouMean } from '../diagnostics.ts';
import type { ActionSpec, ShapeSpec } from './meta-schema.ts';
import { isBrokenRef, refCandidates, resolveRef } from './raw-catalogue.ts';
import type { Checker } from './checker.ts';
import { checkFields } from './check-field.ts';
import type { YamlPath } from './yaml-source.ts';

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SHAPE_KINDS = ['fields', 'resource', 'page', 'file', 'multipart'] as const;

export function checkActions(
  c: Checker,
  actions: Readonly<Record<string, ActionSpec>> | undefined,
  path: YamlPath,
  onResource: boolean,
): void {
  for (const [name, a] of Object.entries(actions ?? {})) checkAction(c, name, a, [...path, name], onResource);
}

function checkAction(c: Checker, name: string, a: ActionSpec, path: YamlPath, onResource: boolean): void {
  if (!KEBAB.test(name)) c.report('bad-name', path, 'key', { what: 'action', name, expected: 'kebab-case' });
  if (!onResource && a.on !== undefined) c.report('action-on-module', [...path, 'on'], 'key');
  if (a.path !== undefined && !/^[a-z0-9{}_.\-/]*$/.test(a.path)) {
    c.report('invalid-value', [...path, 'path'], 'value', { what: '"path"', detail: 'use lowercase segments and {param} placeholders' });
  }
  if (a.status !== undefined && (a.status < 200 || a.status > 299))
    c.report('bad-status', [...path, 'status'], 'value', { value: a.status });
  (a.also_status ?? []).forEach((s, i) => {
    if (s < 200 || s > 299 || s === 204 || s === (a.status ?? 200))
      c.report('bad-status', [...path, 'also_status', i], 'value', { value: s });
  });
  (a.errors ?? []).forEach((e, i) => {
    if (e < 400 || e > 599) c.report('bad-error-status', [...path, 'errors', i], 'value', { value: e });
  });
  if (a.public && a.permission !== undefined) {
    c.report('invalid-value', [...path, 'permission'], 'key', { what: '"permission"', detail: 'a public action checks no permission' });
  }
  if (a.public && a.tenant !== undefined && a.tenant !== 'none') {
    c.report('invalid-value', [...path, 'tenant'], 'key', { what: '"tenant"', detail: 'a public action runs outside any company' });
  }
  checkFields(c, a.query, [...path, 'query'], false);
  if (a.request) checkShape(c, a.request, [...path, 'request'], 'request');
  if (a.response) checkShape(c, a.response, [...path, 'response'], 'response');
}

function checkShape(c: Checker, s: ShapeSpec, path: YamlPath, what: 'request' | 'response'): void {
  const kinds = SHAPE_KINDS.filter((k) => s[k] !== undefined);
  if (kinds.length !== 1) c.report('shape-kind', path, 'key', { what });
  if (s.many !== undefined && !(s.fields || s.resource)) c.report('many-not-allowed', [...path, 'many'], 'key', { what });
  for (const key of ['resource', 'page'] as const) {
    const to = s[key];
    if (to && !resolveRef(c.service, c.module, to) && !isBrokenRef(c.service, c.module, to)) {
      c.report('unknown-ref', [...path, key], 'value', { name: to }, didYouMean(to, refCandidates(c.service, c.module)));
    }
  }
  checkFields(c, s.fields, [...path, 'fields'], false);
  checkFields(c, s.multipart?.fields, [...path, 'multipart', 'fields'], false);
}
