import { describe, expect, it } from 'vitest';
import { emitCatalogueSchema, moduleFileSchema } from '../../generator/load/meta-schema.ts';
import { parseYamlSource } from '../../generator/load/yaml-source.ts';
import { issuesToDiagnostics } from '../../generator/load/zod-issues.ts';
import { formatDiagnostic } from '../../generator/diagnostics.ts';

function check(text: string): string[] {
  const { source } = parseYamlSource('spec/x/m.yaml', text);
  const r = moduleFileSchema.safeParse(source.data, { reportInput: true });
  return r.success ? [] : issuesToDiagnostics(r.error.issues, source, moduleFileSchema, 'module file').map(formatDiagnostic);
}

describe('meta-schema', () => {
  it('writes a deterministic JSON Schema for editors', () => {
    const a = emitCatalogueSchema();
    expect(a.path).toBe('spec/catalogue.schema.json');
    expect(a.contents).toBe(emitCatalogueSchema().contents);
    expect(a.contents.endsWith('}\n')).toBe(true);
    const schema = JSON.parse(a.contents);
    expect(Object.keys(schema.$defs)).toEqual(
      expect.arrayContaining(['ServiceFile', 'ModuleFile', 'Resource', 'Field', 'Action', 'Shape']),
    );
    expect(schema.$defs.Field.additionalProperties).toBe(false);
  });

  it('rejects unknown keys and values at their position', () => {
    expect(check('module: m\ntitle: M\nresources:\n  a:\n    model: A\n    scope: tenant\n    feilds: {}\n')).toEqual([
      'spec/x/m.yaml:6:12 unknown scope "tenant"',
      'spec/x/m.yaml:7:5 unknown key "feilds" in resource "a" (did you mean "fields"?)',
    ]);
  });

  it('reports missing keys at the object that lacks them and wrong types at the value', () => {
    expect(check('module: m\nresources:\n  a:\n    fields:\n      n: { type: integer, min: low }\n')).toEqual([
      'spec/x/m.yaml:1:1 missing required key "title" in module file',
      'spec/x/m.yaml:3:3 missing required key "model" in resource "a"',
      'spec/x/m.yaml:5:32 "min" must be a number',
    ]);
  });

  it('picks the closest branch of a union (filter list item)', () => {
    expect(
      check('module: m\ntitle: M\nresources:\n  a:\n    model: A\n    fields:\n      n: { type: integer, filter: [exact, inn] }\n'),
    ).toEqual(['spec/x/m.yaml:7:43 unknown filter "inn" (did you mean "in"?)']);
  });
});
