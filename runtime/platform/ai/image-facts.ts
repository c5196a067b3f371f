/**
 * What can be told about an image without a vision model: what sharp reads from its header
 * (format, dimensions after EXIF orientation, channels, alpha, frames) and what its EXIF says
 * (exif-reader: camera, lens, exposure, when, where). POST /v1/ai/describe answers these as the
 * offline description and hands them to a vision model as context when one is configured.
 */
import exifReader from 'exif-reader';
import sharp, { type Metadata } from 'sharp';
import { ApiError } from '../../http/api-error.ts';

export interface ExifFacts {
  readonly make: string | null;
  readonly model: string | null;
  readonly lens: string | null;
  readonly software: string | null;
  readonly taken_at: string | null;
  readonly exposure_time: number | null;
  readonly f_number: number | null;
  readonly iso: number | null;
  readonly focal_length_mm: number | null;
  readonly gps: { readonly latitude: number; readonly longitude: number } | null;
}

export interface ImageFacts {
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly orientation: number | null;
  readonly channels: number;
  readonly has_alpha: boolean;
  readonly color_space: string;
  readonly frames: number;
  readonly size_bytes: number;
  readonly exif: ExifFacts | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.replace(/\0+$/, '').trim() : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : Array.isArray(v) ? num(v[0]) : null);
/**
 * EXIF times carry no time zone (the camera's clock); exif-reader reads them as UTC fields, so the
 * ISO form without `Z` is exactly what the camera wrote, claiming no zone.
 */
const when = (v: unknown): string | null => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 19) : null);

/** Degrees/minutes/seconds with N/S/E/W as signed decimal degrees. */
function degrees(dms: unknown, ref: unknown): number | null {
  if (!Array.isArray(dms) || dms.length !== 3 || dms.some((x) => typeof x !== 'number')) return null;
  const [d, m, s] = dms as number[];
  const v = d! + m! / 60 + s! / 3600;
  return Math.round((ref === 'S' || ref === 'W' ? -v : v) * 1e6) / 1e6;
}

function exifFacts(raw: Buffer | undefined): ExifFacts | null {
  if (!raw) return null;
  let e: ReturnType<typeof exifReader>;
  try {
    e = exifReader(raw);
  } catch {
    // A damaged EXIF block is no reason to refuse the image: its facts are simply unknown.
    return null;
  }
  const img = (e.Image ?? {}) as Record<string, unknown>;
  const photo = (e.Photo ?? {}) as Record<string, unknown>;
  const gps = (e.GPSInfo ?? {}) as Record<string, unknown>;
  const lat = degrees(gps.GPSLatitude, gps.GPSLatitudeRef);
  const lon = degrees(gps.GPSLongitude, gps.GPSLongitudeRef);
  return {
    make: str(img.Make),
    model: str(img.Model),
    lens: str(photo.LensModel),
    software: str(img.Software),
    taken_at: when(photo.DateTimeOriginal) ?? when(img.DateTime),
    exposure_time: num(photo.ExposureTime),
    f_number: num(photo.FNumber),
    iso: num(photo.ISOSpeedRatings) ?? num(photo.PhotographicSensitivity),
    focal_length_mm: num(photo.FocalLength),
    gps: lat !== null && lon !== null ? { latitude: lat, longitude: lon } : null,
  };
}

export async function imageFacts(bytes: Buffer): Promise<ImageFacts> {
  let m: Metadata;
  try {
    m = await sharp(bytes).metadata();
  } catch (err) {
    throw new ApiError(422, 'image_unreadable', 'The stored file is not a readable image (its content does not decode as its type says).', {
      cause: err,
    });
  }
  const frames = m.pages ?? 1;
  return {
    format: m.format,
    width: m.autoOrient?.width ?? m.width,
    height: m.autoOrient?.height ?? m.height,
    orientation: m.orientation ?? null,
    channels: m.channels,
    has_alpha: m.hasAlpha,
    color_space: m.space,
    frames,
    size_bytes: bytes.length,
    exif: exifFacts(m.exif),
  };
}

const FORMAT_NAMES: Readonly<Record<string, string>> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF' };

function sizeText(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
}

/** The facts as plain sentences; every clause is read from the file, none is guessed. */
export function describeFacts(f: ImageFacts): string {
  const kind = FORMAT_NAMES[f.format] ?? f.format.toUpperCase();
  const shape = f.width === f.height ? 'square' : f.width > f.height ? 'landscape' : 'portrait';
  const parts = [
    `A ${f.width}×${f.height} pixel ${shape} ${kind} image (${sizeText(f.size_bytes)}, ${f.color_space}${f.has_alpha ? ' with transparency' : ''}${f.frames > 1 ? `, animated, ${f.frames} frames` : ''}).`,
  ];
  const x = f.exif;
  if (x) {
    const camera = [x.make, x.model].filter(Boolean).join(' ');
    if (camera)
      parts.push(
        `Taken with ${camera}${x.lens ? ` (${x.lens})` : ''}${x.taken_at ? ` on ${x.taken_at.replace('T', ' ')} (camera clock)` : ''}.`,
      );
    else if (x.taken_at) parts.push(`Taken on ${x.taken_at.replace('T', ' ')} (camera clock).`);
    const exposure = [
      x.exposure_time ? `${x.exposure_time < 1 ? `1/${Math.round(1 / x.exposure_time)}` : x.exposure_time} s` : null,
      x.f_number ? `f/${x.f_number}` : null,
      x.iso ? `ISO ${x.iso}` : null,
      x.focal_length_mm ? `${x.focal_length_mm} mm` : null,
    ].filter(Boolean);
    if (exposure.length) parts.push(`Exposure: ${exposure.join(', ')}.`);
    if (x.gps) parts.push(`GPS position ${x.gps.latitude}, ${x.gps.longitude}.`);
    if (x.software) parts.push(`Software: ${x.software}.`);
  }
  return parts.join(' ');
}
