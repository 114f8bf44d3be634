/**
 * Whether a SigV4 request may send `x-amz-content-sha256: UNSIGNED-PAYLOAD`
 * instead of the SHA-256 of its body. Hashing every byte costs the client
 * ≈ 0.7 CPU-s per GiB, and is redundant when the body is already bound to the
 * signature another way:
 * - a signed `Content-MD5` or `x-amz-checksum-sha256` / `-sha1` header that the
 *   server verifies: forging a body for it needs a second preimage;
 * - a signed CRC (`x-amz-checksum-crc32`, `-crc32c`, `-crc64nvme`) catches
 *   corruption but can be forged, so it is enough only where the transport
 *   itself cannot be tampered with: TLS or loopback.
 */
export type PayloadSigning = 'auto' | 'always';

const STRONG = ['content-md5', 'x-amz-checksum-sha256', 'x-amz-checksum-sha1'];
const CRC = ['x-amz-checksum-crc32', 'x-amz-checksum-crc32c', 'x-amz-checksum-crc64nvme'];

export function isProtectedTransport(endpoint: URL | undefined): boolean {
  if (endpoint === undefined) return true; // AWS: https
  if (endpoint.protocol === 'https:') return true;
  const host = endpoint.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** `headers`: the request's, any case. */
export function mayLeavePayloadUnsigned(signing: PayloadSigning, headers: Readonly<Record<string, string>>, protectedTransport: boolean): boolean {
  if (signing === 'always') return false;
  const names = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  if (STRONG.some((h) => names.has(h))) return true;
  return protectedTransport && CRC.some((h) => names.has(h));
}
