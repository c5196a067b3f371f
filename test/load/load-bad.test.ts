import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { formatDiagnostic } from '../../generator/diagnostics.ts';

const root = fileURLToPath(new URL('../fixtures/bad', import.meta.url));

describe('bad fixture', () => {
  it('reports every mistake of the run at once, positioned and with suggestions', async () => {
    const r = await loadCatalogue(root);
    expect(r.catalogue).toBeNull();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'spec/bad/booking.yaml:1:9 module "bookings" must equal its file name "booking"',
      'spec/bad/booking.yaml:3:10 unknown product code "bookng" (did you mean "booking"?)',
      'spec/bad/booking.yaml:8:21 unknown field type "strng" (did you mean "string"?)',
      'spec/bad/booking.yaml:8:38 unknown key "requird" in field "name" (did you mean "required"?)',
      'spec/bad/booking.yaml:9:61 default "drafts" is not one of the enum values (did you mean "draft"?)',
      'spec/bad/booking.yaml:10:31 unknown resource "booking.staf" (did you mean "bookings.staff"?)',
      'spec/bad/booking.yaml:11:44 unknown filter "rnage" (did you mean "range"?)',
      'spec/bad/booking.yaml:12:52 scale (6) is greater than precision (4)',
      // `name` was dropped for its bad type, so nothing is close enough to suggest.
      'spec/bad/booking.yaml:13:16 unknown ordering field "nmae"',
      'spec/bad/booking.yaml:15:12 model "staff" must be PascalCase',
      'spec/bad/booking.yaml:18:7 field "id" is an implicit column and cannot be declared',
      'spec/bad/booking.yaml:19:7 missing required key "type" in field "phone"',
      'spec/bad/booking.yaml:20:24 unknown field "nam" in unique_together (did you mean "name"?)',
      'spec/bad/booking.yaml:21:16 unknown ordering field "creatd_at" (did you mean "created_at"?)',
      'spec/bad/broken.yaml:3:1 duplicate key "title"',
      'spec/bad/dupes.yaml:8:3 resource dupes/things is already declared at spec/bad/dupes.yaml:4:3',
      'spec/bad/dupes.yaml:8:3 type name "DupesThing" is already used by spec/bad/dupes.yaml:4:3',
      'spec/bad/dupes.yaml:14:3 GET dupes/things/ is already declared at spec/bad/dupes.yaml:4:3',
      'spec/bad/dupes.yaml:14:3 SDK method "things" clashes with the namespace of bad.dupes.things',
      'spec/bad/dupes.yaml:16:5 module actions take "path", not "on"',
      'spec/bad/service.yaml:4:12 invalid "base_path": needs a leading and a trailing slash',
      'spec/bad/service.yaml:6:13 unknown auth scheme "apikey" (did you mean "api_key"?)',
      'spec/other/service.yaml:5:8 unknown style "roomlop" (did you mean "roomloop"?)',
      'spec/other/service.yaml:7:1 unknown key "tenant_heder" in service.yaml (did you mean "tenant_header"?)',
    ]);
    expect(r.diagnostics.every((d) => d.severity === 'error')).toBe(true);
    expect(r.diagnostics.find((d) => d.message.startsWith('unknown field type'))).toMatchObject({
      code: 'unknown-value',
      suggestion: 'string',
    });
  });
});
