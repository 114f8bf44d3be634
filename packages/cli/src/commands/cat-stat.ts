import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ByteRange } from '@stowage/core';
import { bool, expectArgs, str, type Command } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { formatLocation } from '../location.js';
import { requireKey } from '../stores.js';
import { downloadFile } from '../transfers.js';
import { formatBytes } from '../units.js';

const CAT_USAGE = 'stowage cat <provider://bucket/key> [--range A-B] [--version-id ID]';

/** `0-99`, `100-` (to the end), `-500` (the last 500 bytes). */
export function parseRange(text: string): ByteRange {
  const m = /^(\d*)-(\d*)$/.exec(text.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw new UsageError(`--range must be A-B, A- or -N (bytes, inclusive), got "${text}"`);
  if (m[1] === '') return { suffix: Number(m[2]) };
  const offset = Number(m[1]);
  if (m[2] === '') return { offset };
  const end = Number(m[2]);
  if (end < offset) throw new UsageError(`--range ${text}: the end is before the start`);
  return { offset, length: end - offset + 1 };
}

export const cat: Command = {
  name: 'cat',
  summary: 'write an object (or a byte range of it) to stdout',
  help: `${CAT_USAGE}

The whole object goes through the transfer manager and is verified against its
ETag (the last bytes are held back until the check passed); a range is read
with one ranged GET.

Options:
  --range <A-B|A-|-N>   bytes A to B (inclusive), from A to the end, or the last N (write --range=-N)
  --version-id <id>     a specific version
  --no-verify           do not hash the object`,
  options: {
    range: { type: 'string' },
    'version-id': { type: 'string' },
    'no-verify': { type: 'boolean' },
  },
  async run(ctx, args, values) {
    expectArgs(args, 1, 1, 'cat', CAT_USAGE);
    const location = ctx.remote(args[0], 'cat', 'an object');
    const { bucket, key } = requireKey(location, 'cat');
    const { store } = await ctx.open(location);
    const versionId = str(values, 'version-id');
    const rangeText = str(values, 'range');
    if (rangeText !== undefined) {
      const { body } = await store.get(bucket, key, { range: parseRange(rangeText), versionId, signal: ctx.signal });
      await pipeline(Readable.fromWeb(body.stream() as import('node:stream/web').ReadableStream<Uint8Array>), ctx.out.stdout, { end: false });
      return;
    }
    await downloadFile(store, bucket, key, undefined, { signal: ctx.signal, versionId, verify: bool(values, 'no-verify') ? false : undefined }, undefined, key, ctx.out.stdout);
  },
};

const STAT_USAGE = 'stowage stat <provider://bucket/key> [--version-id ID] [--json]';

export const statCommand: Command = {
  name: 'stat',
  summary: 'show an object’s size, ETag, dates, headers, metadata, retention and legal hold',
  help: `${STAT_USAGE}

Options:
  --version-id <id>   a specific version
  --json              the object info as one JSON object`,
  options: {
    'version-id': { type: 'string' },
  },
  async run(ctx, args, values) {
    expectArgs(args, 1, 1, 'stat', STAT_USAGE);
    const location = ctx.remote(args[0], 'stat', 'an object');
    const { bucket, key } = requireKey(location, 'stat');
    const { store } = await ctx.open(location);
    const info = await store.head(bucket, key, { versionId: str(values, 'version-id'), signal: ctx.signal });
    ctx.out.emit({ url: formatLocation(location.provider, bucket, key), ...info });
    const rows: Array<[string, string | undefined]> = [
      ['url', formatLocation(location.provider, bucket, key)],
      ['size', `${info.size} (${formatBytes(info.size)})`],
      ['etag', info.etag],
      ['last-modified', info.lastModified.toISOString()],
      ['version-id', info.versionId],
      ['content-type', info.contentType],
      ['cache-control', info.cacheControl],
      ['content-disposition', info.contentDisposition],
      ['content-encoding', info.contentEncoding],
      ['storage-class', info.storageClass],
      ['retention', info.retention ? `${info.retention.mode} until ${info.retention.retainUntil.toISOString()}` : undefined],
      ['legal-hold', info.legalHold === undefined ? undefined : info.legalHold ? 'on' : 'off'],
    ];
    for (const [name, value] of Object.entries(info.metadata)) rows.push([`meta.${name}`, value]);
    const width = Math.max(...rows.map(([n]) => n.length));
    for (const [name, value] of rows) if (value !== undefined) ctx.out.data(`${name.padEnd(width)}  ${value}`);
  },
};
