/**
 * Case conversions of catalogue names (`create-invoice`, `autism_support`, `InvoiceItem`). The loader derives
 * the IR's names with them and emitters derive export names, so both spell a name the same way.
 */

export function pascalCase(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

export function camelCase(s: string): string {
  const p = pascalCase(s);
  return p ? p[0]!.toLowerCase() + p.slice(1) : p;
}

export function snakeCase(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
}
