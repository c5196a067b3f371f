/**
 * The one order of generated output: by UTF-16 code unit, never locale-dependent, so the same catalogue
 * gives the same bytes on every machine.
 */

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A comparator by a string key, e.g. `files.sort(byKey((f) => f.path))`. */
export function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => compareStrings(key(a), key(b));
}
