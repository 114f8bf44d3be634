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
