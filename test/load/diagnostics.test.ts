import { describe, expect, it } from 'vitest';
import { diagnostic, didYouMean, editDistance, formatDiagnostic, sortDiagnostics } from '../../generator/diagnostics.ts';

describe('diagnostics', () => {
  it('formats as file:line:col message (did you mean)', () => {
    const d = diagnostic(
      'unknown-value',
      { file: 'spec/loop/booking.yaml', line: 14, column: 7 },
      { what: 'field type', value: 'strng' },
      'string',
    );
    expect(formatDiagnostic(d)).toBe('spec/loop/booking.yaml:14:7 unknown field type "strng" (did you mean "string"?)');
  });

  it('suggests only plausible typos', () => {
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(didYouMean('strng', ['string', 'text', 'integer'])).toBe('string');
    expect(didYouMean('colour', ['string', 'text', 'integer'])).toBeUndefined();
    expect(didYouMean('string', ['string'])).toBeUndefined();
  });

  it('sorts by file then position', () => {
    const at = (file: string, line: number, column: number) => diagnostic('missing-key', { file, line, column }, { name: 'x', what: 'y' });
    const sorted = sortDiagnostics([at('b.yaml', 1, 1), at('a.yaml', 9, 1), at('a.yaml', 2, 5), at('a.yaml', 2, 3)]);
    expect(sorted.map((d) => `${d.file}:${d.line}:${d.column}`)).toEqual(['a.yaml:2:3', 'a.yaml:2:5', 'a.yaml:9:1', 'b.yaml:1:1']);
  });
});
