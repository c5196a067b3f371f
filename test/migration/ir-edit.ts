/**
 * Loads the fixture catalogue and makes small edits to a service's IR (add/rename/drop a field),
 * the way a catalogue author would between two `loopgen build` runs.
 */
import { join } from 'node:path';
import type { FieldNode, ResourceNode, ServiceNode } from '../../generator/ir/index.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { projectRoot } from '../helpers/golden.ts';

export async function loadFixtureService(name: 'shop' | 'rooms'): Promise<ServiceNode> {
  const { catalogue, diagnostics } = await loadCatalogue(join(projectRoot, 'test/fixtures/basic'));
  if (!catalogue) throw new Error(`fixture did not load: ${JSON.stringify(diagnostics)}`);
  return catalogue.services.find((s) => s.name === name)!;
}

/** A plain declared field with the IR's defaults. */
export function field(name: string, extra: Partial<FieldNode> = {}): FieldNode {
  return {
    kind: 'field',
    name,
    column: name,
    type: 'string',
    system: false,
    required: false,
    nullable: true,
    unique: false,
    filter: [],
    search: false,
    orderable: false,
    readOnly: false,
    writeOnly: false,
    index: false,
    ...extra,
  };
}

export function editResource(service: ServiceNode, table: string, edit: (r: ResourceNode) => ResourceNode): ServiceNode {
  const resources = service.resources.map((r) => (r.table === table ? edit(r) : r));
  if (resources.every((r, i) => r === service.resources[i])) throw new Error(`no table ${table}`);
  return { ...service, resources };
}

export const addField = (service: ServiceNode, table: string, f: FieldNode) =>
  editResource(service, table, (r) => ({ ...r, fields: [...r.fields, f] }));

export const editField = (service: ServiceNode, table: string, column: string, edit: (f: FieldNode) => FieldNode) =>
  editResource(service, table, (r) => ({ ...r, fields: r.fields.map((f) => (f.column === column ? edit(f) : f)) }));

export const dropField = (service: ServiceNode, table: string, column: string) =>
  editResource(service, table, (r) => ({ ...r, fields: r.fields.filter((f) => f.column !== column) }));

export const dropResource = (service: ServiceNode, table: string): ServiceNode => ({
  ...service,
  resources: service.resources.filter((r) => r.table !== table),
});
