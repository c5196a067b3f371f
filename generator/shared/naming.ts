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

/**
 * `a` or `an` before a noun, by how it is said: `an Insight`, `an Order`, but `a User`, `a UsageLog`, `a Unit`
 * (a vowel letter sounding "you"/"w"), and `an Hour` (a silent h).
 */
export function withArticle(noun: string): string {
  const vowelSound = /^[AEIOU]/i.test(noun) ? !/^(?:us|uni|uti|ura|ure|uri|eu|one)/i.test(noun) : /^(?:hour|honest|hono)/i.test(noun);
  return `${vowelSound ? 'an' : 'a'} ${noun}`;
}

/**
 * Operation id suffixes of CRUD operations and of actions that sit on a collection or item route by method
 * (`bookingServicesList`, `reservationsCreate`); `Destroy` as Django REST framework names its delete.
 */
export const CRUD_OPERATION_SUFFIX = {
  list: 'List',
  create: 'Create',
  retrieve: 'Retrieve',
  update: 'Update',
  partial_update: 'PartialUpdate',
  delete: 'Destroy',
  restore: 'Restore',
} as const;
