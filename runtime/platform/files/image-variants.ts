/**
 * Image variants rendered with sharp (libvips) from the stored original and cached in the same storage
 * driver (runtime/effects/storage) under `platform/t<tenant>/<file id>/variants/v<version>/<spec>`.
 * The key carries the file version, so a new upload is never answered with the old picture; the
 * first request renders and stores, later ones read the stored bytes.
 *
 * Decoding is bounded: at most MAX_INPUT_PIXELS (a small PNG can declare a gigapixel canvas), and
 * EXIF orientation is applied before resizing. Output carries no EXIF/GPS: sharp strips metadata
 * unless asked to keep it, and a thumbnail should not publish where a photo was taken.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { ApiError, isApiError } from '../../http/api-error.ts';
import { storage } from './file-store.ts';
import { mediaTypeOf, specKey, type VariantSpec } from './variant-spec.ts';

/** 40 megapixels: a 7,000×5,700 photo still renders; a decompression bomb is refused before decoding. */
export const MAX_INPUT_PIXELS = 40_000_000;

// libvips' operation cache would keep decoded images of every tenant in memory between requests.
sharp.cache(false);

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer | string>) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

/** sharp's own words for undecodable or oversized input become a 422 in ours (the driver text is only logged). */
function imageError(err: unknown): ApiError {
  const text = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(text)) {
    return new ApiError(422, 'image_too_large', `The image has more than ${MAX_INPUT_PIXELS} pixels; variants are not rendered for it.`, {
      cause: err,
    });
  }
  return new ApiError(422, 'image_unreadable', 'The stored file is not a readable image (its content does not decode as its type says).', {
    cause: err,
  });
}

export async function renderVariant(original: Buffer, spec: VariantSpec): Promise<Buffer> {
  // Animation survives only into formats that hold it; anything else renders the first frame.
  const animated = spec.format === 'gif' || spec.format === 'webp';
  try {
    let img = sharp(original, { limitInputPixels: MAX_INPUT_PIXELS, animated, failOn: 'error' }).autoOrient();
    if (spec.width !== null || spec.height !== null) {
      img = img.resize({ width: spec.width ?? undefined, height: spec.height ?? undefined, fit: spec.fit, withoutEnlargement: true });
    }
    return await img.toFormat(spec.format).toBuffer();
  } catch (err) {
    throw imageError(err);
  }
}

export interface Variant {
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly etag: string;
  readonly cache: 'hit' | 'miss';
}

export function variantKey(file: Record<string, any>, spec: VariantSpec): string {
  return `platform/t${file.company_id}/${file.id}/variants/v${file.version}/${specKey(spec)}`;
}

const etagOf = (b: Buffer) => `"${createHash('sha256').update(b).digest('hex').slice(0, 32)}"`;

/** The cached rendering of `spec`, or a fresh one stored for next time. */
export async function variantOf(file: Record<string, any>, spec: VariantSpec): Promise<Variant> {
  const key = variantKey(file, spec);
  const contentType = mediaTypeOf(spec.format);
  const cached = await storage()
    .get(key)
    .then(readAll)
    .catch((e: unknown) => {
      // Missing is the expected miss; any other storage failure is a real error.
      if (isApiError(e) && e.status === 404) return null;
      throw e;
    });
  if (cached) return { bytes: cached, contentType, etag: etagOf(cached), cache: 'hit' };
  const bytes = await renderVariant(await readAll(await storage().get(String(file.storage_key))), spec);
  await storage().put(key, bytes, contentType);
  return { bytes, contentType, etag: etagOf(bytes), cache: 'miss' };
}
