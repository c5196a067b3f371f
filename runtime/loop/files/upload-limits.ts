/**
 * Size and type limits for files/assets uploads, from the environment:
 * `LOOP_UPLOAD_MAX_BYTES` (default 10 MiB) and `LOOP_UPLOAD_TYPES` (comma-separated MIME types;
 * `type/*` wildcards allowed). Violations are 413 `file_too_large` / 415 `unsupported_media_type`.
 */
import { ApiError } from '../../http/api-error.ts';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** Documents, images, spreadsheets and archives a business app shares; no executables or HTML (stored XSS). */
export const DEFAULT_TYPES: readonly string[] = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/svg+xml',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/json',
  'application/zip',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'audio/mpeg',
  'video/mp4',
];

export interface UploadLimits {
  readonly maxBytes: number;
  readonly types: readonly string[];
}

export function uploadLimits(env: NodeJS.ProcessEnv = process.env): UploadLimits {
  const max = Number(env.LOOP_UPLOAD_MAX_BYTES);
  const types = env.LOOP_UPLOAD_TYPES?.split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  return {
    maxBytes: Number.isSafeInteger(max) && max > 0 ? max : DEFAULT_MAX_BYTES,
    types: types?.length ? types : DEFAULT_TYPES,
  };
}

/** `text/plain; charset=utf-8` → `text/plain`. */
export function baseType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

export function checkUpload(file: { filename: string; contentType: string; size: number }, limits: UploadLimits): void {
  if (file.size > limits.maxBytes) {
    throw new ApiError(413, 'file_too_large', `"${file.filename}" is ${file.size} bytes; the limit is ${limits.maxBytes} bytes.`, {
      details: { max_bytes: limits.maxBytes },
    });
  }
  const type = baseType(file.contentType);
  const ok = limits.types.some((t) => t === type || (t.endsWith('/*') && type.startsWith(t.slice(0, -1))));
  if (!ok) {
    throw new ApiError(415, 'unsupported_media_type', `Files of type "${type}" are not accepted.`, {
      details: { allowed_types: [...limits.types] },
    });
  }
}
