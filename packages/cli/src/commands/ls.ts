import { compareUtf8 } from '@stowage/core';
import { bool, expectArgs, str, type Command } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { formatLocation } from '../location.js';
import { parseInteger } from '../units.js';
import { formatBytes } from '../units.js';

const USAGE = 'stowage ls <provider://[bucket[/prefix]]> [-r] [--delimiter D] [--versions | --uploads] [--json]';

export const ls: Command = {
  name: 'ls',
  summary: 'list buckets, objects under a prefix, versions or multipart uploads',
  help: `${USAGE}

  provider://                 the buckets
  provider://bucket[/prefix]  objects whose key starts with the prefix, folder by folder
                              (delimiter "/"), like a directory listing

Options:
  -r, --recursive        every key under the prefix (no delimiter)
  --delimiter <d>        roll keys up at this delimiter instead of "/"
  --versions             list versions and delete markers (needs versioning)
  --uploads              list multipart uploads in progress
  --page-size <n>        keys per request (default: the backend's maximum)
  --max <n>              stop after n entries
  -H, --human            sizes in KiB / MiB / GiB
  --summarize            a closing line with the count and total size
  --json                 one JSON object per line: {"type":"object"|"prefix"|"version"|"upload"|"bucket", …}

Examples:
  stowage ls s3://photos/2025/ --endpoint http://127.0.0.1:9000
  stowage ls -r --json 'minio://logs/app/?endpoint=http://127.0.0.1:9000'
  stowage ls --versions s3://vault/contracts/`,
  options: {
    recursive: { type: 'boolean', short: 'r' },
    delimiter: { type: 'string' },
    versions: { type: 'boolean' },
    uploads: { type: 'boolean' },
    'page-size': { type: 'string' },
    max: { type: 'string' },
    human: { type: 'boolean', short: 'H' },
    summarize: { type: 'boolean' },
  },
  async run(ctx, args, values) {
    expectArgs(args, 1, 1, 'ls', USAGE);
    const location = ctx.remote(args[0], 'ls');
    const { store } = await ctx.open(location);
    const out = ctx.out;
    const human = bool(values, 'human');
    const size = (n: number) => (human ? formatBytes(n) : String(n));
    const max = str(values, 'max') !== undefined ? parseInteger(str(values, 'max')!, '--max', 1, Number.MAX_SAFE_INTEGER) : Infinity;
    const pageSize = str(values, 'page-size') !== undefined ? parseInteger(str(values, 'page-size')!, '--page-size', 1, 100_000) : undefined;
    let count = 0;
    let bytes = 0;

    if (location.bucket === undefined) {
      for (const b of await store.listBuckets({ signal: ctx.signal })) {
        if (count++ >= max) break;
        out.emit({ type: 'bucket', name: b.name, createdAt: b.createdAt, region: b.region, url: formatLocation(location.provider, b.name) });
        out.data(`${b.createdAt ? stamp(b.createdAt) : ''.padEnd(19)}  ${b.name}`);
      }
      return;
    }
    const bucket = location.bucket;
    const prefix = location.key;
    if (bool(values, 'versions') && bool(values, 'uploads')) throw new UsageError('ls: --versions and --uploads do not go together');
    if (bool(values, 'recursive') && str(values, 'delimiter') !== undefined) throw new UsageError('ls: --recursive lists without a delimiter; do not give --delimiter too');
    const delimiter = bool(values, 'recursive') ? undefined : (str(values, 'delimiter') ?? '/');

    if (bool(values, 'uploads')) {
      let cursor: string | undefined;
      do {
        const page = await store.listUploads(bucket, { prefix: prefix || undefined, cursor, pageSize: pageSize && Math.min(pageSize, 1000), signal: ctx.signal });
        for (const u of page.uploads) {
          if (count++ >= max) return;
          out.emit({ type: 'upload', bucket, key: u.key, uploadId: u.uploadId, initiated: u.initiated });
          out.data(`${u.initiated ? stamp(u.initiated) : ''.padEnd(19)}  ${u.uploadId}  ${u.key}`);
        }
        cursor = page.nextCursor;
      } while (cursor);
      return;
    }

    if (bool(values, 'versions')) {
      for await (const page of pages((cursor) => store.listVersionsPage(bucket, { prefix: prefix || undefined, delimiter, pageSize, cursor, signal: ctx.signal }))) {
        const entries: Array<{ name: string; line: string; json: unknown }> = [];
        for (const p of page.commonPrefixes) entries.push({ name: p, line: `${''.padEnd(19)}  ${'PRE'.padStart(12)}  ${''.padEnd(32)}  ${p}`, json: { type: 'prefix', prefix: p } });
        for (const v of page.versions) {
          const flags = `${v.isLatest ? 'latest' : ''}${v.isDeleteMarker ? `${v.isLatest ? ',' : ''}delete-marker` : ''}`;
          entries.push({
            name: v.key,
            line: `${stamp(v.lastModified)}  ${(v.isDeleteMarker ? '-' : size(v.size)).padStart(12)}  ${v.versionId.padEnd(32)}  ${v.key}${flags ? `  (${flags})` : ''}`,
            json: { type: 'version', key: v.key, versionId: v.versionId, isLatest: v.isLatest, isDeleteMarker: v.isDeleteMarker, size: v.size, etag: v.etag, lastModified: v.lastModified },
          });
          if (!v.isDeleteMarker) bytes += v.size;
        }
        for (const e of entries) {
          if (count++ >= max) return summarize();
          out.emit(e.json);
          out.data(e.line);
        }
      }
      return summarize();
    }

    for await (const page of pages((cursor) => store.listPage(bucket, { prefix: prefix || undefined, delimiter, pageSize, cursor, signal: ctx.signal }))) {
      const entries: Array<{ name: string; line: string; json: unknown }> = [];
      for (const p of page.commonPrefixes) entries.push({ name: p, line: `${''.padEnd(19)}  ${'PRE'.padStart(12)}  ${p}`, json: { type: 'prefix', prefix: p } });
      for (const o of page.objects) {
        bytes += o.size;
        entries.push({
          name: o.key,
          line: `${stamp(o.lastModified)}  ${size(o.size).padStart(12)}  ${o.key}`,
          json: { type: 'object', key: o.key, size: o.size, etag: o.etag, lastModified: o.lastModified, storageClass: o.storageClass },
        });
      }
      entries.sort((a, b) => compareUtf8(a.name, b.name));
      for (const e of entries) {
        if (count++ >= max) return summarize();
        out.emit(e.json);
        out.data(e.line);
      }
    }
    return summarize();

    function summarize(): void {
      if (!bool(values, 'summarize')) return;
      const n = Math.min(count, max);
      out.emit({ type: 'summary', entries: n, totalBytes: bytes });
      out.data(`\n${n} entr${n === 1 ? 'y' : 'ies'}, ${formatBytes(bytes)} (${bytes} bytes)`);
    }
  },
};

async function* pages<T extends { nextCursor?: string }>(fetch: (cursor: string | undefined) => Promise<T>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    yield page;
    cursor = page.nextCursor;
  } while (cursor);
}

/** `2025-11-22 09:11:05` (UTC). */
export function stamp(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
