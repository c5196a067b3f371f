/**
 * The 22 property data types of the platform's object types (docs/platform-properties.md). Each type
 * checks a value and turns it into its one stored (canonical) form, and says how SQL reads it back
 * (its `kind`): the kind decides which filters apply, whether and how objects sort by it, and which
 * expression index `is_indexed` / `is_sortable` / `is_unique` build (property-sql.ts).
 *
 * Canonical forms are chosen so that sorting needs no cast PostgreSQL refuses in an index: dates,
 * date-times (UTC, milliseconds) and times are fixed-width text whose byte order is their time order;
 * exact decimals are strings (a JSON number would pass through a float in JavaScript).
 */

/** How SQL reads a stored value (property-sql.ts has the expression of each). */
export type PropertyKind =
  | 'text' // compared as text in the database's collation
  | 'chrono' // fixed-width text compared byte-wise (COLLATE "C"): dates, date-times, times
  | 'numeric' // JSON numbers and decimal strings, compared as numeric
  | 'boolean'
  | 'list' // a JSON array of strings (multi_enum)
  | 'geo' // {lat, lng}
  | 'opaque'; // json: stored, never compared

export interface PropertyTypeDef {
  readonly enum_values?: unknown;
}

/** The canonical value, or a message saying what the value must be. */
export type Checked = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

export interface PropertyType {
  readonly kind: PropertyKind;
  readonly check: (v: unknown, def: PropertyTypeDef) => Checked;
  /** A CSV cell (always text) as the JSON value `check` expects; undefined leaves the text as it is. */
  readonly fromText?: (s: string) => unknown;
  /** Values name other records of the tenant (checked against the database on write). */
  readonly refersTo?: 'objects' | 'files';
  /** False for long text: a btree entry holds at most ~2.7 kB, so `text` is sorted and filtered without an index. */
  readonly indexable?: false;
}

const ok = (value: unknown): Checked => ({ ok: true, value });
const bad = (error: string): Checked => ({ ok: false, error });

export const LIMITS = {
  /** 500 characters are at most 2,000 bytes: within what one btree index entry may hold. */
  string: 500,
  text: 100_000,
  email: 254,
  url: 2_048,
  listItems: 100,
  decimalWhole: 28,
  decimalScale: 10,
  currencyWhole: 15,
  currencyScale: 4,
} as const;

function textOf(max: number, what = 'a string'): (v: unknown) => Checked {
  return (v) => (typeof v !== 'string' ? bad(`must be ${what}`) : v.length > max ? bad(`must be at most ${max} characters`) : ok(v));
}

function enumValues(def: PropertyTypeDef): string[] {
  return Array.isArray(def.enum_values) ? def.enum_values.filter((x): x is string => typeof x === 'string') : [];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const PHONE_SEPARATORS = /[\s().-]/g;
const E164 = /^\+[1-9]\d{6,14}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLOR = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;
const OBJECT_ID = /^obj_[A-Za-z0-9]{1,64}$/;
const FILE_ID = /^file_[A-Za-z0-9]{1,64}$/;

/** A real calendar day between 0001-01-01 and 9999-12-31, as YYYY-MM-DD. */
function calendarDate(s: string): string | null {
  const m = DATE.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return null;
  const days = new Date(Date.UTC(2000, mo, 0)).getUTCDate(); // days in month mo of a leap year
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (mo === 2 && !leap ? 28 : days)) return null;
  return s;
}

function checkDate(v: unknown): Checked {
  const s = typeof v === 'string' ? calendarDate(v) : null;
  return s ? ok(s) : bad('must be a calendar date (YYYY-MM-DD)');
}

/** RFC 3339 with an explicit offset (a local time would depend on the server's zone), stored in UTC. */
function checkDateTime(v: unknown): Checked {
  const no = bad('must be an RFC 3339 date-time with an offset, e.g. 2026-01-15T12:00:00Z');
  if (typeof v !== 'string') return no;
  const m = DATETIME.exec(v);
  if (!m || !calendarDate(m[1]!) || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return no;
  const offset = m[6]!.toUpperCase();
  if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4)) > 59)) return no;
  const ms = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}${(m[5] ?? '').slice(0, 4)}${offset}`);
  if (Number.isNaN(ms)) return no;
  const iso = new Date(ms).toISOString();
  // A shift across 0001 or 9999 leaves the four-digit years ISO text sorts by.
  return /^\d{4}-/.test(iso) && iso >= '0001' ? ok(iso) : bad('must be between year 0001 and 9999 in UTC');
}

function checkTime(v: unknown): Checked {
  const m = typeof v === 'string' ? TIME.exec(v) : null;
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) return bad('must be a time of day (HH:MM or HH:MM:SS)');
  return ok(`${m[1]}:${m[2]}:${m[3] ?? '00'}`);
}

/** An exact decimal, from a JSON number or a string, as a string without leading zeros or a plus sign. */
function decimalChecker(whole: number, scale: number, what: string): (v: unknown) => Checked {
  const re = new RegExp(`^([+-]?)(\\d{1,${whole + 20}})(?:\\.(\\d{1,${scale}}))?$`);
  return (v) => {
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : typeof v === 'string' ? v.trim() : '';
    const m = re.exec(s);
    const digits = m?.[2]?.replace(/^0+(?=\d)/, '');
    if (!m || !digits || digits.length > whole)
      return bad(`must be ${what}: up to ${whole} digits before the point and ${scale} after, as a number or a string`);
    const frac = m[3] ? `.${m[3]}` : '';
    const zero = /^0$/.test(digits) && !/[1-9]/.test(frac);
    return ok(`${m[1] === '-' && !zero ? '-' : ''}${digits}${frac}`);
  };
}

function numberFromText(s: string): unknown {
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? n : s;
}

function checkGeo(v: unknown): Checked {
  const no = bad('must be {"lat": -90…90, "lng": -180…180}');
  if (!v || typeof v !== 'object' || Array.isArray(v)) return no;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).some((k) => k !== 'lat' && k !== 'lng')) return no;
  const { lat, lng } = o;
  if (typeof lat !== 'number' || typeof lng !== 'number' || !(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180)) return no;
  return ok({ lat, lng });
}

function checkMultiEnum(v: unknown, def: PropertyTypeDef): Checked {
  const values = enumValues(def);
  if (!Array.isArray(v)) return bad(`must be a list of: ${values.join(', ')}`);
  if (v.length > LIMITS.listItems) return bad(`must have at most ${LIMITS.listItems} items`);
  const wrong = v.filter((x) => typeof x !== 'string' || !values.includes(x));
  if (wrong.length) return bad(`must be a list of: ${values.join(', ')}`);
  return ok([...new Set(v as string[])]);
}

export const PROPERTY_TYPES = {
  string: { kind: 'text', check: textOf(LIMITS.string) },
  text: { kind: 'text', check: textOf(LIMITS.text), indexable: false },
  number: {
    kind: 'numeric',
    check: (v) => (typeof v === 'number' && Number.isFinite(v) ? ok(v) : bad('must be a number')),
    fromText: numberFromText,
  },
  integer: {
    kind: 'numeric',
    check: (v) => (Number.isSafeInteger(v) ? ok(v) : bad('must be an integer between -(2^53 - 1) and 2^53 - 1')),
    fromText: numberFromText,
  },
  decimal: {
    kind: 'numeric',
    check: decimalChecker(LIMITS.decimalWhole, LIMITS.decimalScale, 'a decimal number'),
  },
  currency: {
    kind: 'numeric',
    check: decimalChecker(LIMITS.currencyWhole, LIMITS.currencyScale, 'a money amount'),
  },
  percent: {
    kind: 'numeric',
    check: (v) => (typeof v === 'number' && Number.isFinite(v) ? ok(v) : bad('must be a number (12.5 means 12.5 %)')),
    fromText: (s) => numberFromText(s.trim().replace(/%$/, '')),
  },
  boolean: {
    kind: 'boolean',
    check: (v) => (typeof v === 'boolean' ? ok(v) : bad('must be true or false')),
    fromText: (s) => (s === 'true' ? true : s === 'false' ? false : s),
  },
  date: { kind: 'chrono', check: checkDate },
  datetime: { kind: 'chrono', check: checkDateTime },
  time: { kind: 'chrono', check: checkTime },
  email: {
    kind: 'text',
    check: (v) => (typeof v === 'string' && v.length <= LIMITS.email && EMAIL.test(v) ? ok(v) : bad('must be an email address')),
  },
  url: {
    kind: 'text',
    check: (v) =>
      typeof v === 'string' && v.length <= LIMITS.url && SCHEME.test(v) && URL.canParse(v)
        ? ok(v)
        : bad(`must be an absolute URL (at most ${LIMITS.url} characters)`),
  },
  phone: {
    kind: 'text',
    check: (v) => {
      const s = typeof v === 'string' ? v.replace(PHONE_SEPARATORS, '') : '';
      return E164.test(s) ? ok(s) : bad('must be a phone number in E.164 form, e.g. +15551234567');
    },
  },
  uuid: {
    kind: 'text',
    check: (v) => (typeof v === 'string' && UUID.test(v) ? ok(v.toLowerCase()) : bad('must be a UUID')),
  },
  color: {
    kind: 'text',
    check: (v) => {
      if (typeof v !== 'string' || !COLOR.test(v)) return bad('must be a hex colour, #rgb or #rrggbb');
      const h = v.slice(1).toLowerCase();
      return ok(`#${h.length === 3 ? [...h].map((c) => c + c).join('') : h}`);
    },
  },
  enum: {
    kind: 'text',
    check: (v, def) =>
      typeof v === 'string' && enumValues(def).includes(v) ? ok(v) : bad(`must be one of: ${enumValues(def).join(', ')}`),
  },
  multi_enum: {
    kind: 'list',
    check: checkMultiEnum,
    fromText: (s) =>
      s
        .split(/[;,]/)
        .map((x) => x.trim())
        .filter(Boolean),
  },
  reference: {
    kind: 'text',
    check: (v) => (typeof v === 'string' && OBJECT_ID.test(v) ? ok(v) : bad('must be an object id (obj_…)')),
    refersTo: 'objects',
  },
  file: {
    kind: 'text',
    check: (v) => (typeof v === 'string' && FILE_ID.test(v) ? ok(v) : bad('must be a file id (file_…)')),
    refersTo: 'files',
  },
  geo_point: {
    kind: 'geo',
    check: checkGeo,
    fromText: (s) => {
      const [lat, lng, ...rest] = s.split(',').map((x) => Number(x.trim()));
      return rest.length === 0 && lat !== undefined && lng !== undefined ? { lat, lng } : s;
    },
  },
  json: {
    kind: 'opaque',
    check: ok,
    fromText: (s) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        return s;
      }
    },
  },
} as const satisfies Record<string, PropertyType>;

export type DataType = keyof typeof PROPERTY_TYPES;
export const DATA_TYPES = Object.keys(PROPERTY_TYPES) as DataType[];

export function propertyType(name: string): PropertyType | undefined {
  return Object.hasOwn(PROPERTY_TYPES, name) ? (PROPERTY_TYPES as Record<string, PropertyType>)[name] : undefined;
}

/** Kinds objects can be sorted by (and so get a btree index for is_indexed / is_sortable). */
export const SORTABLE_KINDS: ReadonlySet<PropertyKind> = new Set(['text', 'chrono', 'numeric', 'boolean']);
/** Kinds whose equal values can be refused by a unique index. */
export const UNIQUE_KINDS: ReadonlySet<PropertyKind> = SORTABLE_KINDS;
/** Kinds `is_indexed` applies to (list: a GIN index for `contains`). */
export const INDEXABLE_KINDS: ReadonlySet<PropertyKind> = new Set([...SORTABLE_KINDS, 'list', 'geo']);
