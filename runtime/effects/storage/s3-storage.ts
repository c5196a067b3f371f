/**
 * S3-compatible storage. The driver is selected with `LOOP_STORAGE_DRIVER=s3` (+ `LOOP_S3_BUCKET`,
 * `LOOP_S3_ENDPOINT`, `LOOP_S3_REGION`, credentials), but no S3 client is bundled yet
 * (`@aws-sdk/client-s3` is not a dependency), so every call fails with a clear 501 rather than
 * silently writing somewhere else. Implementing it means filling in put/get/delete with that client.
 */
import { ApiError } from '../../http/api-error.ts';
import type { Storage } from './storage.ts';

function notConfigured(): ApiError {
  return new ApiError(
    501,
    'storage_not_configured',
    'S3 storage is selected (LOOP_STORAGE_DRIVER=s3) but no S3 client is installed on this server; use the local driver or install @aws-sdk/client-s3 and implement runtime/effects/storage/s3-storage.ts.',
  );
}

export function createS3Storage(env: NodeJS.ProcessEnv): Storage {
  if (!env.LOOP_S3_BUCKET) throw new Error('LOOP_STORAGE_DRIVER=s3 needs LOOP_S3_BUCKET');
  return {
    driver: 's3',
    put: async () => {
      throw notConfigured();
    },
    get: async () => {
      throw notConfigured();
    },
    delete: async () => {
      throw notConfigured();
    },
  };
}
