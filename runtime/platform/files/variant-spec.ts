/**
 * What an image variant is (`GET /v1/files/:id/variants/:variant?w=&h=&fit=&format=`): a named preset,
 * optionally overridden by the query, resolved to one canonical spec. Two requests that resolve to the
 * same spec share one cached rendering, whatever name or parameter order they used.
 *
 * Named variants: `original` (the stored bytes, or the query applied at full size), `thumb`
 * (150×150 cropped), `small` (320), `medium` (800), `large` (1600) — sizes are upper bounds; an image
 * is never enlarged. An unknown name is 404 VARIANT_NOT_FOUND; a bad parameter is 400 VALIDATION_ERROR.
 */
import { ApiError, validation } from '../../http/api-error.ts';

export const FITS = ['cover', 'contain', 'fill', 'inside', 'outside'] as const;
export type Fit = (typeof FITS)[number];

/** Output formats sharp writes with its prebuilt libvips; `jpg` is accepted as `jpeg`. */
export const FORMATS = ['jpeg', 'png', 'webp', 'avif', 'gif'] as const;
export type Format = (typeof FORMATS)[number];

export const MAX_DIMENSION = 4096;

interface Preset {
  readonly width?: number;
  readonly height?: number;
  readonly fit: Fit;
}

export const PRESETS: Readonly<Record<string, Preset>> = {
  original: { fit: 'inside' },
  thumb: { width: 150, height: 150, fit: 'cover' },
  small: { width: 320, height: 320, fit: 'inside' },
  medium: { width: 800, height: 800, fit: 'inside' },
  large: { width: 1600, height: 1600, fit: 'inside' },
};

export interface VariantSpec {
  readonly width: number | null;
  readonly height: number | null;
  readonly fit: Fit;
  readonly format: Format;
  /** The untouched original: no decoding, no re-encoding. */
  readonly passthrough: boolean;
}

const MEDIA: Readonly<Record<Format, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
};

export const mediaTypeOf = (f: Format): string => MEDIA[f];

/** The output format an original keeps when the query names none (formats sharp cannot write become PNG). */
export function defaultFormat(contentType: string): Format {
  const sub = contentType
    .toLowerCase()
    .split(';')[0]!
    .trim()
    .replace(/^image\//, '');
  if (sub === 'jpg' || sub === 'pjpeg') return 'jpeg';
  return (FORMATS as readonly string[]).includes(sub) ? (sub as Format) : 'png';
}

function dimension(v: unknown, name: 'w' | 'h'): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > MAX_DIMENSION) throw validation({ [name]: [`must be an integer from 1 to ${MAX_DIMENSION}`] });
  return n;
}

export function resolveVariant(name: string, query: Readonly<Record<string, unknown>>, contentType: string): VariantSpec {
  const preset = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!preset) {
    throw new ApiError(404, 'variant_not_found', `No image variant "${name}". Known variants: ${Object.keys(PRESETS).join(', ')}.`);
  }
  const w = dimension(query.w, 'w');
  const h = dimension(query.h, 'h');
  let fit = preset.fit;
  if (query.fit !== undefined && query.fit !== '') {
    if (!(FITS as readonly string[]).includes(String(query.fit))) throw validation({ fit: [`must be one of ${FITS.join(', ')}`] });
    fit = query.fit as Fit;
  }
  let format = defaultFormat(contentType);
  if (query.format !== undefined && query.format !== '') {
    const f = String(query.format).toLowerCase() === 'jpg' ? 'jpeg' : String(query.format).toLowerCase();
    if (!(FORMATS as readonly string[]).includes(f)) throw validation({ format: [`must be one of ${FORMATS.join(', ')}`] });
    format = f as Format;
  }
  // One dimension given: the other is free (aspect ratio kept), not the preset's.
  const width = w ?? (h !== undefined ? null : (preset.width ?? null));
  const height = h ?? (w !== undefined ? null : (preset.height ?? null));
  const passthrough = name === 'original' && w === undefined && h === undefined && query.fit === undefined && query.format === undefined;
  return { width, height, fit, format, passthrough };
}

/**
 * The spec as a storage-key segment (`w150-h150-cover.webp`). `r1` is the renderer's version: change it
 * when the rendering options change, so older cached bytes are not served as the new rendering.
 */
export function specKey(s: VariantSpec): string {
  return `r1-w${s.width ?? 'auto'}-h${s.height ?? 'auto'}-${s.fit}.${s.format}`;
}
