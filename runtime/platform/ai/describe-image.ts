/**
 * POST /v1/ai/describe: a text description of a stored image (JPEG, PNG, WebP, GIF; at most 10 MB),
 * through the AI provider interface (runtime/effects/ai). With an OpenAI-compatible provider the image
 * goes to its vision model (LOOP_AI_VISION_MODEL, default LOOP_AI_MODEL) with the facts read from the
 * file as context. The offline provider has no vision: it answers only what the file itself says —
 * format, dimensions, EXIF (runtime/platform/ai/image-facts.ts) — and says so (`offline: true`).
 */
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import { ApiError, notFound, validation } from '../../http/api-error.ts';
import { providerFromEnv, type AiTask } from '../../effects/ai/provider.ts';
import { OFFLINE_IMAGE_MODEL } from '../../effects/ai/offline-provider.ts';
import { T } from '../tables.ts';
import { storage } from '../files/file-store.ts';
import { readAll } from '../files/image-variants.ts';
import { bodyOf, tenantOf } from '../http/action-context.ts';
import { describeFacts, imageFacts, type ImageFacts } from './image-facts.ts';

export const MAX_DESCRIBE_BYTES = 10 * 1024 * 1024;
/** Decoded formats the seed promises (sharp's names), whatever type the upload claimed. */
const DESCRIBABLE: Readonly<Record<string, string>> = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif' };

/** The image-to-text models of the configured provider (GET /v1/ai/models lists the same). */
export function imageModels(): string[] {
  const p = providerFromEnv();
  return [p.visionModel ?? OFFLINE_IMAGE_MODEL];
}

const SYSTEM =
  'You describe images stored in a business application. In two to four plain sentences, say what the image shows: ' +
  'subjects, setting, visible text, notable details. Do not identify people or guess at anything you cannot see.';

export type ProviderCall = (a: ActionContext, task: AiTask) => Promise<{ text: string; model: string; provider: string }>;

async function loadImage(a: ActionContext): Promise<{ file: Record<string, any>; bytes: Buffer; facts: ImageFacts }> {
  const id = bodyOf(a).file_id;
  if (typeof id !== 'string' || !id.trim()) throw validation({ file_id: ['is required'] });
  const file = await a
    .trx(T.files)
    .where({ company_id: tenantOf(a), id })
    .whereNull('deleted_at')
    .first();
  if (!file) throw notFound('File not found.');
  if (!String(file.content_type).startsWith('image/')) throw validation({ file_id: ['is not an image'] });
  if (file.status !== 'ready' || !file.storage_key) throw notFound('This file has no content yet (pending upload).');
  if (Number(file.size) > MAX_DESCRIBE_BYTES) {
    throw new ApiError(
      413,
      'file_too_large',
      `Images up to ${MAX_DESCRIBE_BYTES / 1024 / 1024} MB can be described; this one has ${file.size} bytes.`,
    );
  }
  const bytes = await readAll(await storage().get(file.storage_key));
  const facts = await imageFacts(bytes);
  if (!DESCRIBABLE[facts.format]) {
    throw new ApiError(400, 'unsupported_image_type', `JPEG, PNG, WebP and GIF images can be described; this file is ${facts.format}.`);
  }
  return { file, bytes, facts };
}

export async function describeImage(a: ActionContext, call: ProviderCall): Promise<ActionResult> {
  const asked = bodyOf(a).model;
  const models = imageModels();
  if (asked !== undefined && asked !== null && asked !== '' && !models.includes(String(asked))) {
    throw validation({ model: [`is not available here; image_to_text models: ${models.join(', ')}`] });
  }
  const { file, bytes, facts } = await loadImage(a);
  const offlineText = describeFacts(facts);
  const r = await call(a, {
    feature: 'describe_image',
    system: SYSTEM,
    prompt: `Describe this image (file "${file.filename}"). Facts read from the file: ${offlineText}`,
    images: [{ contentType: DESCRIBABLE[facts.format]!, data: bytes }],
    maxTokens: 300,
    offline: () =>
      `[offline] No vision model is configured on this server (set LOOP_AI_BASE_URL to an OpenAI-compatible endpoint with a vision model), ` +
      `so nothing here comes from looking at the picture; this is what the file itself says. ${offlineText}`,
  });
  const offline = r.provider === 'local';
  return {
    body: {
      description: r.text,
      filename: file.filename,
      model: r.model,
      provider: r.provider,
      offline,
      method: offline ? 'file metadata (sharp + EXIF); no vision model' : 'vision model',
      file_id: file.id,
      facts,
    },
  };
}
