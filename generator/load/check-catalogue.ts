import type { Diagnostic } from '../diagnostics.ts';
import type { RawCatalogue } from './raw-catalogue.ts';

export function checkCatalogue(_raw: RawCatalogue): Diagnostic[] {
  return [];
}
