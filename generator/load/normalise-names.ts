/**
 * Derived names of the IR (ids, tables, type names, operation ids). Each rule lives here once so the
 * checks and the normaliser agree; emitters read the results from the IR, never recompute them.
 */
import { camelCase, pascalCase, snakeCase } from '../shared/naming.ts';
import type { ModuleFile, ResourceSpec } from './meta-schema.ts';

/** Qualified resource id `<service>.<module>.<resource>`. */
export function resourceId(service: string, module: string, key: string): string {
  return `${service}.${module}.${key}`;
}

/** Core and root modules own bare table names; every other module prefixes its own name. */
export function tableName(m: ModuleFile, key: string, r: ResourceSpec): string {
  if (r.table) return r.table;
  const atRoot = m.module === 'core' || m.path === '';
  return atRoot ? snakeCase(key) : `${snakeCase(m.module)}_${snakeCase(key)}`;
}

/** `Service` in module `booking` → `BookingService`; models already prefixed and core models stay as is. */
export function typeName(module: string, model: string): string {
  if (module === 'core') return model;
  const prefix = pascalCase(module);
  return model.startsWith(prefix) ? model : `${prefix}${model}`;
}

/** camelCase of a path with `{param}` segments removed: `booking/appointments/{id}/create-invoice` → `bookingAppointmentsCreateInvoice`. */
export function operationIdOf(path: string): string {
  return camelCase(path.replace(/\{[^}]*\}/g, ''));
}

/** `{param}` names of a path, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** `create-invoice` → `Create invoice`: the fallback summary of an undocumented action. */
export function sentence(name: string): string {
  const words = name
    .split(/[-_\s]+/)
    .filter(Boolean)
    .join(' ');
  return words ? words[0]!.toUpperCase() + words.slice(1) : words;
}

/** Operation id suffixes of CRUD operations (generator/shared/naming.ts), so actions cannot silently collide with them. */
export { CRUD_OPERATION_SUFFIX } from '../shared/naming.ts';
