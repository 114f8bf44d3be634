import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';

/** CRC-32 (ISO-HDLC, what S3 calls CRC32): zlib's native one where Node has it (≥ 20.15), else a table. */
const nativeCrc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

function makeTable(poly: number): Uint32Array {
  const t = new Uint32Array(256 * 8);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let s = 1; s < 8; s++) t[s * 256 + i] = ((t[(s - 1) * 256 + i]! >>> 8) ^ t[t[(s - 1) * 256 + i]! & 0xff]!) >>> 0;
  }
  return t;
}

let crc32Table: Uint32Array | undefined;
let crc32cTable: Uint32Array | undefined;

/** Slicing-by-8 over a reflected polynomial. */
function crcSliced(table: Uint32Array, data: Uint8Array, crc: number): number {
  let c = ~crc >>> 0;
  let i = 0;
  const n = data.length;
  for (; i + 8 <= n; i += 8) {
    const a = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c =
      table[7 * 256 + (a & 0xff)]! ^
      table[6 * 256 + ((a >>> 8) & 0xff)]! ^
      table[5 * 256 + ((a >>> 16) & 0xff)]! ^
      table[4 * 256 + (a >>> 24)]! ^
      table[3 * 256 + data[i + 4]!]! ^
      table[2 * 256 + data[i + 5]!]! ^
      table[256 + data[i + 6]!]! ^
      table[data[i + 7]!]!;
  }
  for (; i < n; i++) c = table[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32(data: Uint8Array, previous = 0): number {
  if (nativeCrc32) return nativeCrc32(data, previous) >>> 0;
  crc32Table ??= makeTable(0xedb88320);
  return crcSliced(crc32Table, data, previous);
}

/** CRC-32C (Castagnoli), as S3's `x-amz-checksum-crc32c`. */
export function crc32c(data: Uint8Array, previous = 0): number {
  crc32cTable ??= makeTable(0x82f63b78);
  return crcSliced(crc32cTable, data, previous);
}

/** The big-endian 4 bytes S3 sends base64-encoded in `x-amz-checksum-crc32(c)`. */
export function crcBytes(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, false);
  return out;
}

/**
 * CRC-32 of A‖B from crc(A), crc(B) and |B| (zlib's crc32_combine, GF(2) matrix
 * squaring): a whole-object CRC from the parts' CRCs without re-reading a byte.
 */
export function crc32Combine(crcA: number, crcB: number, lengthB: number): number {
  return combine(0xedb88320, crcA, crcB, lengthB);
}

function gf2Times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i]!;
  return sum >>> 0;
}

function gf2Square(square: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(mat, mat[n]!);
}

function combine(poly: number, crcA: number, crcB: number, lengthB: number): number {
  if (lengthB <= 0) return crcA >>> 0;
  const even = new Uint32Array(32);
  const odd = new Uint32Array(32);
  odd[0] = poly;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row >>> 0;
  gf2Square(even, odd); // 2 zero bits
  gf2Square(odd, even); // 4 zero bits
  let crc = crcA >>> 0;
  let len = lengthB;
  do {
    gf2Square(even, odd);
    if (len % 2) crc = gf2Times(even, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
    gf2Square(odd, even);
    if (len % 2) crc = gf2Times(odd, crc);
    len = Math.floor(len / 2);
  } while (len !== 0);
  return (crc ^ crcB) >>> 0;
}

/**
 * The raw digest of an S3 checksum algorithm (CRCs as the big-endian 4 bytes S3
 * sends); undefined for an algorithm that is not one.
 */
export function checksumDigest(algorithm: string, data: Uint8Array): Uint8Array | undefined {
  if (algorithm === 'sha1' || algorithm === 'sha256') return createHash(algorithm).update(data).digest();
  if (algorithm === 'crc32') return crcBytes(crc32(data));
  if (algorithm === 'crc32c') return crcBytes(crc32c(data));
  return undefined;
}

/** An S3 checksum as its `x-amz-checksum-*` header carries it (base64 of the digest); undefined for an unknown algorithm. */
export function checksumBase64(algorithm: string, data: Uint8Array): string | undefined {
  const digest = checksumDigest(algorithm, data);
  return digest && Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('base64');
}
