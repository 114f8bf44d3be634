import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '@stowage/core';

/**
 * Server-side encryption for the objects a store writes (and, for SSE-C, reads):
 * - `SSE-C`: your 256-bit key, sent with every write and read of the object
 *   (the server keeps only its MD5). Needs TLS: MinIO answers a plain-HTTP
 *   request with 400 InvalidRequest "Requests specifying Server Side Encryption
 *   with Customer provided keys must be made over a secure connection."
 * - `SSE-S3`: the server's own key (MinIO: its KMS; needs one configured).
 * - `SSE-KMS`: a named KMS key (MinIO: the static key or a KES / KMS key).
 */
export type Encryption =
  | { type: 'SSE-C'; key: Uint8Array }
  | { type: 'SSE-S3' }
  | { type: 'SSE-KMS'; keyId?: string; context?: Record<string, string> };

/** Checks an encryption setting; returns it unchanged. */
export function checkEncryption(e: Encryption | undefined): Encryption | undefined {
  if (e === undefined) return undefined;
  if (e === null || typeof e !== 'object') throw new InvalidArgumentError('encryption', 'must be { type: "SSE-C" | "SSE-S3" | "SSE-KMS", … }');
  switch (e.type) {
    case 'SSE-C':
      if (!(e.key instanceof Uint8Array) || e.key.length !== 32) throw new InvalidArgumentError('encryption.key', 'SSE-C needs a 32-byte (256-bit) key');
      return e;
    case 'SSE-S3':
      return e;
    case 'SSE-KMS':
      if (e.keyId !== undefined && (typeof e.keyId !== 'string' || e.keyId === '')) throw new InvalidArgumentError('encryption.keyId', 'must be a non-empty string');
      return e;
    default:
      throw new InvalidArgumentError('encryption.type', 'must be "SSE-C", "SSE-S3" or "SSE-KMS"');
  }
}

function customerHeaders(prefix: string, key: Uint8Array): Record<string, string> {
  const buf = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  return {
    [`${prefix}-algorithm`]: 'AES256',
    [`${prefix}-key`]: buf.toString('base64'),
    [`${prefix}-key-md5`]: createHash('md5').update(buf).digest('base64'),
  };
}

/** Headers of a write (PUT, CreateMultipartUpload, the destination of a copy). */
export function writeHeaders(e: Encryption | undefined): Record<string, string> {
  if (!e) return {};
  switch (e.type) {
    case 'SSE-C':
      return customerHeaders('x-amz-server-side-encryption-customer', e.key);
    case 'SSE-S3':
      return { 'x-amz-server-side-encryption': 'AES256' };
    case 'SSE-KMS': {
      const out: Record<string, string> = { 'x-amz-server-side-encryption': 'aws:kms' };
      if (e.keyId !== undefined) out['x-amz-server-side-encryption-aws-kms-key-id'] = e.keyId;
      if (e.context !== undefined) out['x-amz-server-side-encryption-context'] = Buffer.from(JSON.stringify(e.context)).toString('base64');
      return out;
    }
  }
}

/** Headers of a read (GET, HEAD) and of UploadPart: only SSE-C sends anything. */
export function readHeaders(e: Encryption | undefined): Record<string, string> {
  return e?.type === 'SSE-C' ? customerHeaders('x-amz-server-side-encryption-customer', e.key) : {};
}

/** Headers naming the key of an SSE-C copy source. */
export function copySourceHeaders(e: Encryption | undefined): Record<string, string> {
  return e?.type === 'SSE-C' ? customerHeaders('x-amz-copy-source-server-side-encryption-customer', e.key) : {};
}

/** What an object's headers say about its encryption. */
export interface ObjectEncryption {
  /** `AES256` (SSE-S3), `aws:kms` (SSE-KMS); absent for SSE-C and plain objects. */
  serverSideEncryption?: string;
  kmsKeyId?: string;
  /** `AES256` for an SSE-C object. */
  customerAlgorithm?: string;
}

export function encryptionFromHeaders(h: Record<string, string | string[] | undefined>): ObjectEncryption | undefined {
  const one = (name: string) => {
    const v = h[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const out: ObjectEncryption = {};
  const sse = one('x-amz-server-side-encryption');
  if (sse) out.serverSideEncryption = sse;
  const kms = one('x-amz-server-side-encryption-aws-kms-key-id');
  if (kms) out.kmsKeyId = kms;
  const customer = one('x-amz-server-side-encryption-customer-algorithm');
  if (customer) out.customerAlgorithm = customer;
  return Object.keys(out).length ? out : undefined;
}
