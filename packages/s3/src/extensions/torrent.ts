import { GetObjectTorrentCommand, type GetObjectTorrentCommandOutput } from '@aws-sdk/client-s3';
import { collectStream } from '@stowage/core';
import type { S3Driver } from '../s3-driver.js';

export interface GetObjectTorrentRequest {
  bucket: string;
  key: string;
  signal?: AbortSignal;
}

/** Torrent files are small (20 bytes per 512 KiB piece on Ceph): read whole, with a bound. */
const MAX_TORRENT_BYTES = 64 * 1024 * 1024;

/**
 * GetObjectTorrent: the bencoded .torrent of an object (Ceph RGW with
 * `rgw torrent flag = true`; AWS for objects under 5 GB in some regions).
 * No portable meaning, so an S3 extension.
 */
export async function getObjectTorrent(driver: S3Driver, req: GetObjectTorrentRequest): Promise<Uint8Array> {
  const out = await driver.send<GetObjectTorrentCommandOutput>(
    new GetObjectTorrentCommand({ Bucket: req.bucket, Key: req.key, ...(driver.callOptions.expectedBucketOwner !== undefined ? { ExpectedBucketOwner: driver.callOptions.expectedBucketOwner } : {}), ...(driver.callOptions.requestPayer !== undefined ? { RequestPayer: driver.callOptions.requestPayer } : {}) }),
    req.signal,
    { operation: 'getObjectTorrent', bucket: req.bucket, key: req.key },
  );
  if (!out.Body) return new Uint8Array(0);
  return collectStream(out.Body.transformToWebStream() as ReadableStream<Uint8Array>, MAX_TORRENT_BYTES);
}

/** A decoded bencode value: byte strings stay bytes (`pieces` is binary). */
export type BencodeValue = number | Uint8Array | BencodeValue[] | { [key: string]: BencodeValue };

/** Decodes bencode (BEP 3): integers, byte strings, lists, dictionaries (keys as UTF-8). */
export function decodeBencode(bytes: Uint8Array): BencodeValue {
  let pos = 0;
  const fail = (why: string): never => {
    throw new SyntaxError(`Invalid bencode at byte ${pos}: ${why}`);
  };
  const readUntil = (stop: number): string => {
    const end = bytes.indexOf(stop, pos);
    if (end < 0) fail(`missing "${String.fromCharCode(stop)}"`);
    const text = Buffer.from(bytes.subarray(pos, end)).toString('latin1');
    pos = end + 1;
    return text;
  };
  const value = (depth: number): BencodeValue => {
    if (depth > 64) fail('nested too deep');
    const c = bytes[pos];
    if (c === undefined) return fail('unexpected end');
    if (c === 0x69 /* i */) {
      pos++;
      const text = readUntil(0x65 /* e */);
      if (!/^-?\d+$/.test(text)) fail(`bad integer "${text}"`);
      return Number(text);
    }
    if (c === 0x6c /* l */) {
      pos++;
      const list: BencodeValue[] = [];
      while (bytes[pos] !== 0x65) {
        if (pos >= bytes.length) fail('unterminated list');
        list.push(value(depth + 1));
      }
      pos++;
      return list;
    }
    if (c === 0x64 /* d */) {
      pos++;
      const dict: { [key: string]: BencodeValue } = {};
      while (bytes[pos] !== 0x65) {
        if (pos >= bytes.length) fail('unterminated dictionary');
        const k = value(depth + 1);
        if (!(k instanceof Uint8Array)) fail('dictionary key is not a string');
        dict[Buffer.from(k as Uint8Array).toString('utf8')] = value(depth + 1);
      }
      pos++;
      return dict;
    }
    if (c >= 0x30 && c <= 0x39) {
      const text = readUntil(0x3a /* : */);
      const length = Number(text);
      if (!/^\d+$/.test(text) || pos + length > bytes.length) fail('bad string length');
      const out = bytes.slice(pos, pos + length);
      pos += length;
      return out;
    }
    return fail(`unexpected byte 0x${c.toString(16)}`);
  };
  const result = value(0);
  if (pos !== bytes.length) fail('trailing bytes');
  return result;
}
