import { createHash, type Hash } from 'node:crypto';
import * as zlib from 'node:zlib';

/** The checksum algorithms S3 accepts in `x-amz-checksum-*` (and MD5 for Content-MD5). */
export type ChecksumName = 'crc32' | 'crc32c' | 'crc64nvme' | 'sha1' | 'sha256' | 'md5';

export const AMZ_CHECKSUMS: readonly ChecksumName[] = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'];

/** Digest lengths in bytes, to reject malformed header values before reading a body. */
export const DIGEST_BYTES: Record<ChecksumName, number> = { crc32: 4, crc32c: 4, crc64nvme: 8, sha1: 20, sha256: 32, md5: 16 };

export interface Checksum {
  update(chunk: Uint8Array): void;
  digest(): Buffer;
}

export function createChecksum(name: ChecksumName): Checksum {
  switch (name) {
    case 'md5':
    case 'sha1':
    case 'sha256':
      return hashChecksum(createHash(name));
    case 'crc32':
      return new Crc32();
    case 'crc32c':
      return new Crc32c();
    case 'crc64nvme':
      return new Crc64Nvme();
  }
}

function hashChecksum(hash: Hash): Checksum {
  return { update: (c) => void hash.update(c), digest: () => hash.digest() };
}

// ---------------------------------------------------------------- CRC32 (zlib polynomial)

type ZlibWithCrc = { crc32?: (data: Uint8Array, value?: number) => number };
const nativeCrc32 = (zlib as unknown as ZlibWithCrc).crc32;

/** Slicing-by-8 tables for a reflected 32-bit CRC. */
function crc32Tables(poly: number): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    tables[0]![n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = tables[0]![n]!;
    for (let t = 1; t < 8; t++) {
      c = (tables[0]![c & 0xff]! ^ (c >>> 8)) >>> 0;
      tables[t]![n] = c;
    }
  }
  return tables;
}

let crc32T: Uint32Array[] | undefined;
let crc32cT: Uint32Array[] | undefined;

function crc32Update(t: Uint32Array[], crc: number, data: Uint8Array): number {
  let c = ~crc >>> 0;
  let i = 0;
  const n = data.length;
  const [t0, t1, t2, t3, t4, t5, t6, t7] = t as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  for (; i + 8 <= n; i += 8) {
    const a = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c =
      t7[a & 0xff]! ^
      t6[(a >>> 8) & 0xff]! ^
      t5[(a >>> 16) & 0xff]! ^
      t4[a >>> 24]! ^
      t3[data[i + 4]!]! ^
      t2[data[i + 5]!]! ^
      t1[data[i + 6]!]! ^
      t0[data[i + 7]!]!;
  }
  for (; i < n; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

export class Crc32 implements Checksum {
  private value = 0;
  update(chunk: Uint8Array): void {
    if (nativeCrc32) this.value = nativeCrc32(chunk, this.value);
    else this.value = crc32Update((crc32T ??= crc32Tables(0xedb88320)), this.value, chunk);
  }
  digest(): Buffer {
    return u32(this.value);
  }
}

export class Crc32c implements Checksum {
  private value = 0;
  update(chunk: Uint8Array): void {
    this.value = crc32Update((crc32cT ??= crc32Tables(0x82f63b78)), this.value, chunk);
  }
  digest(): Buffer {
    return u32(this.value);
  }
}

// ---------------------------------------------------------------- CRC64/NVME (reflected, poly 0xad93d23594c93659)

let crc64Hi: Uint32Array | undefined;
let crc64Lo: Uint32Array | undefined;

function crc64Tables(): void {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  // Reflected polynomial 0x9a6c9329ac4bc9b5.
  const pHi = 0x9a6c9329;
  const pLo = 0xac4bc9b5;
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (bit) {
        h = (h ^ pHi) >>> 0;
        l = (l ^ pLo) >>> 0;
      }
    }
    hi[n] = h;
    lo[n] = l;
  }
  crc64Hi = hi;
  crc64Lo = lo;
}

export class Crc64Nvme implements Checksum {
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  update(chunk: Uint8Array): void {
    if (!crc64Hi) crc64Tables();
    const th = crc64Hi!;
    const tl = crc64Lo!;
    let h = this.hi;
    let l = this.lo;
    for (let i = 0; i < chunk.length; i++) {
      const idx = (l ^ chunk[i]!) & 0xff;
      l = (((l >>> 8) | (h << 24)) ^ tl[idx]!) >>> 0;
      h = ((h >>> 8) ^ th[idx]!) >>> 0;
    }
    this.hi = h;
    this.lo = l;
  }
  digest(): Buffer {
    const b = Buffer.alloc(8);
    b.writeUInt32BE(~this.hi >>> 0, 0);
    b.writeUInt32BE(~this.lo >>> 0, 4);
    return b;
  }
}

/** A base64 value of the right length for the algorithm, else undefined. */
export function parseDigest(name: ChecksumName, value: string): Buffer | undefined {
  const v = value.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || v.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(v, 'base64');
  return bytes.length === DIGEST_BYTES[name] ? bytes : undefined;
}
