/**
 * Deterministic key order for the emitted document: paths, component names and tags sorted
 * by code unit (never locale-dependent), everything else in construction order.
 */
import type { JsonSchema } from '../../shared/json-schema.ts';
import { compareStrings } from '../../shared/ordering.ts';

export function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(obj).sort(compareStrings)) out[k] = obj[k]!;
  return out;
}

const METHOD_ORDER = ['parameters', 'get', 'put', 'post', 'delete', 'patch'];

/** Methods of a path item in a fixed order (the order Swagger UI shows them). */
export function sortPathItem(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of METHOD_ORDER) if (k in item) out[k] = item[k];
  return out;
}

export function sortDocument(doc: JsonSchema): JsonSchema {
  const paths = doc.paths as Record<string, Record<string, unknown>>;
  const sortedPaths: Record<string, unknown> = {};
  for (const p of Object.keys(paths).sort(compareStrings)) sortedPaths[p] = sortPathItem(paths[p]!);
  const components = doc.components as Record<string, Record<string, unknown>>;
  const sortedComponents: Record<string, unknown> = {};
  for (const k of Object.keys(components).sort(compareStrings)) sortedComponents[k] = sortKeys(components[k]!);
  return { ...doc, paths: sortedPaths, components: sortedComponents };
}
