/**
 * S3-compatible storage (AWS S3, MinIO, Ceph, R2, s3rver…) with the official `@aws-sdk/client-s3`.
 * Selected with `LOOP_STORAGE_DRIVER=s3`; configured by `LOOP_S3_BUCKET` (required),
 * `LOOP_S3_ENDPOINT` (omit for AWS), `LOOP_S3_REGION` (default us-east-1),
 * `LOOP_S3_ACCESS_KEY_ID` + `LOOP_S3_SECRET_ACCESS_KEY` (else the SDK's default credential chain)
 * and `LOOP_S3_FORCE_PATH_STYLE` (default: on when an endpoint is given, since most self-hosted
 * servers have no per-bucket DNS names).
 *
 * Uploads stream: a Buffer is one PutObject; a stream is read one part at a time and, when it is
 * larger than a part, sent as a multipart upload, so memory stays at one part whatever the size.
 * Downloads hand back the response body stream untouched.
 */
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { notFound } from '../../http/api-error.ts';
import { checkKey, type Storage } from './storage.ts';

/** 8 MiB: above S3's 5 MiB minimum part size, and the most one upload holds in memory. */
export const S3_PART_SIZE = 8 * 1024 * 1024;

export interface S3Config {
  readonly bucket: string;
  readonly endpoint?: string;
  readonly region: string;
  readonly forcePathStyle: boolean;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}

function flag(v: string | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new Error(`LOOP_S3_FORCE_PATH_STYLE must be true or false, not "${v}"`);
}

export function s3ConfigFromEnv(env: NodeJS.ProcessEnv): S3Config {
  const bucket = env.LOOP_S3_BUCKET;
  if (!bucket) throw new Error('LOOP_STORAGE_DRIVER=s3 needs LOOP_S3_BUCKET');
  const endpoint = env.LOOP_S3_ENDPOINT || undefined;
  const id = env.LOOP_S3_ACCESS_KEY_ID;
  const secret = env.LOOP_S3_SECRET_ACCESS_KEY;
  if (Boolean(id) !== Boolean(secret)) throw new Error('LOOP_S3_ACCESS_KEY_ID and LOOP_S3_SECRET_ACCESS_KEY go together');
  return {
    bucket,
    endpoint,
    region: env.LOOP_S3_REGION || 'us-east-1',
    forcePathStyle: flag(env.LOOP_S3_FORCE_PATH_STYLE) ?? endpoint !== undefined,
    credentials: id && secret ? { accessKeyId: id, secretAccessKey: secret } : undefined,
  };
}

export function s3Client(c: S3Config): S3Client {
  return new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    forcePathStyle: c.forcePathStyle,
    credentials: c.credentials,
    // Checksums only where S3 demands them: the SDK's default (CRC32 trailers in aws-chunked
    // bodies) is not understood by many S3-compatible servers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** Reads the stream into chunks of exactly `size` bytes (the last may be shorter). */
async function* parts(stream: NodeJS.ReadableStream, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    while (length + buf.length >= size) {
      const take = size - length;
      pending.push(buf.subarray(0, take));
      yield Buffer.concat(pending);
      pending = [];
      length = 0;
      buf = buf.subarray(take);
    }
    if (buf.length) {
      pending.push(buf);
      length += buf.length;
    }
  }
  if (length) yield Buffer.concat(pending);
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

export function createS3Storage(env: NodeJS.ProcessEnv, opts: { partSize?: number } = {}): Storage {
  const config = s3ConfigFromEnv(env);
  const client = s3Client(config);
  const Bucket = config.bucket;
  const partSize = opts.partSize ?? S3_PART_SIZE;

  async function putStream(Key: string, stream: NodeJS.ReadableStream, ContentType: string): Promise<void> {
    const it = parts(stream, partSize);
    const first = await it.next();
    const firstBody = first.done ? Buffer.alloc(0) : first.value;
    const second = first.done ? first : await it.next();
    if (second.done) {
      // Fits in one part: a plain PutObject, no multipart bookkeeping.
      await client.send(new PutObjectCommand({ Bucket, Key, Body: firstBody, ContentType, ContentLength: firstBody.length }));
      return;
    }
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType }));
    const done: CompletedPart[] = [];
    try {
      const send = async (Body: Buffer) => {
        const PartNumber = done.length + 1;
        const r = await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body, ContentLength: Body.length }));
        done.push({ ETag: r.ETag, PartNumber });
      };
      await send(firstBody);
      await send(second.value);
      for await (const body of it) await send(body);
      await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: done } }));
    } catch (err) {
      // Abandoned parts are billed storage on AWS until aborted.
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  return {
    driver: 's3',
    async put(key, data, contentType) {
      const Key = checkKey(key);
      if (Buffer.isBuffer(data)) {
        await client.send(new PutObjectCommand({ Bucket, Key, Body: data, ContentType: contentType, ContentLength: data.length }));
      } else {
        await putStream(Key, data, contentType);
      }
    },
    async get(key) {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket, Key: checkKey(key) }));
        // In Node the body is the HTTP response (an IncomingMessage), i.e. a Readable.
        return r.Body as Readable;
      } catch (err) {
        if (isMissing(err)) throw notFound('The stored file is missing.');
        throw err;
      }
    },
    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: checkKey(key) }));
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    },
  };
}
