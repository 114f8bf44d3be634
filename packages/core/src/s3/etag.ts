import { createHash } from 'node:crypto';
import type { CompletedPart } from '../types.js';

/** ETags as S3 documents them, quoted (Ceph RGW 16 answers CopyObject with a bare one). */
export function quoteEtag(etag: string | undefined | null): string {
  if (etag === undefined || etag === null || etag === '') return '';
  return etag.startsWith('"') || etag.startsWith('W/"') ? etag : `"${etag}"`;
}

/** S3's multipart ETag from the parts' ETags, when they are plain MD5s; '' otherwise. */
export function multipartEtag(parts: readonly CompletedPart[]): string {
  const digests: Buffer[] = [];
  for (const p of [...parts].sort((a, b) => a.partNumber - b.partNumber)) {
    const hex = p.etag.replace(/^"|"$/g, '');
    if (!/^[0-9a-f]{32}$/i.test(hex)) return '';
    digests.push(Buffer.from(hex, 'hex'));
  }
  return `"${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${parts.length}"`;
}

/** A key in `x-amz-copy-source`: percent-encoded, slashes kept. */
export function encodeCopySourceKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/');
}

/** A listing value under `encoding-type=url` (S3 encodes a space as `+`, a plus as `%2B`). */
export function decodeS3Listed(value: string, encoded: boolean): string {
  if (!encoded) return value;
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
