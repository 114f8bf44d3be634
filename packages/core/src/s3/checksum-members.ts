import type { ChecksumAlgorithm } from '../capabilities.js';
import type { StoredChecksum, UploadChecksum } from '../types.js';

type Algorithm = Exclude<ChecksumAlgorithm, 'md5'>;

/** Each S3 checksum algorithm's SDK member / CompleteMultipartUpload element name. */
export const S3_CHECKSUM_MEMBERS = { crc32: 'ChecksumCRC32', crc32c: 'ChecksumCRC32C', sha1: 'ChecksumSHA1', sha256: 'ChecksumSHA256' } as const;
const MEMBER = S3_CHECKSUM_MEMBERS;
type ChecksumMember = (typeof MEMBER)[Algorithm];

/** The SDK's `Checksum<ALG>` member for a checksum value (part, completion, put). */
export function s3ChecksumMember(algorithm: Algorithm, value: string): Partial<Record<ChecksumMember, string>> {
  return { [MEMBER[algorithm]]: value };
}

/** CreateMultipartUpload's `ChecksumAlgorithm` / `ChecksumType`. */
export function s3UploadChecksumMembers(checksum: UploadChecksum | undefined): { ChecksumAlgorithm?: 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256'; ChecksumType?: 'FULL_OBJECT' | 'COMPOSITE' } {
  if (checksum === undefined) return {};
  return { ChecksumAlgorithm: checksum.algorithm.toUpperCase() as 'CRC32', ChecksumType: checksum.type === 'full-object' ? 'FULL_OBJECT' : 'COMPOSITE' };
}

/**
 * The stored checksum a HEAD / GET with `x-amz-checksum-mode: ENABLED` answered.
 * Without `x-amz-checksum-type`, a value ending in `-N` is composite (older servers).
 */
export function s3StoredChecksum(out: Partial<Record<ChecksumMember | 'ChecksumType', string | undefined>>): StoredChecksum | undefined {
  for (const algorithm of Object.keys(MEMBER) as Algorithm[]) {
    const value = out[MEMBER[algorithm]];
    if (typeof value !== 'string' || value === '') continue;
    const type = out.ChecksumType === 'COMPOSITE' || (out.ChecksumType === undefined && /-\d+$/.test(value)) ? 'composite' : 'full-object';
    return { algorithm, type, value };
  }
  return undefined;
}

const HEADER = { crc32: 'x-amz-checksum-crc32', crc32c: 'x-amz-checksum-crc32c', sha1: 'x-amz-checksum-sha1', sha256: 'x-amz-checksum-sha256' } as const;

/** The stored checksum from raw response headers (lower-case names), for adapters that read HTTP themselves. */
export function s3StoredChecksumFromHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): StoredChecksum | undefined {
  const one = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const type = one('x-amz-checksum-type');
  return s3StoredChecksum({
    ChecksumCRC32: one(HEADER.crc32),
    ChecksumCRC32C: one(HEADER.crc32c),
    ChecksumSHA1: one(HEADER.sha1),
    ChecksumSHA256: one(HEADER.sha256),
    ...(type !== undefined ? { ChecksumType: type } : {}),
  });
}

/** CreateMultipartUpload's checksum headers. */
export function s3UploadChecksumHeaders(checksum: UploadChecksum | undefined): Record<string, string> {
  const m = s3UploadChecksumMembers(checksum);
  return m.ChecksumAlgorithm ? { 'x-amz-checksum-algorithm': m.ChecksumAlgorithm, 'x-amz-checksum-type': m.ChecksumType! } : {};
}

/** A checksum as its header (`x-amz-checksum-crc32: …`) and its CompleteMultipartUpload element name (`ChecksumCRC32`). */
export function s3ChecksumHeader(algorithm: Algorithm): { header: string; element: ChecksumMember } {
  return { header: HEADER[algorithm], element: MEMBER[algorithm] };
}
