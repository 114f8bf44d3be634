import { isStowageError, type DeleteManyEntry, type Store } from '@stowage/core';
import { bool, expectArgs, str, type Command, type Context } from '../context.js';
import { exitCodeFor, UsageError } from '../exit-codes.js';
import { makeFilters, selected } from '../filters.js';
import { formatLocation, type RemoteLocation } from '../location.js';
import { requireBucket } from '../stores.js';

const RM_USAGE = 'stowage rm <provider://bucket/key> [--version-id ID] | rm -r <provider://bucket[/prefix]> [--all-versions]';

export const rm: Command = {
  name: 'rm',
  summary: 'delete an object, a version, or everything under a prefix',
  help: `${RM_USAGE}

Without --version-id a delete in a versioned bucket adds a delete marker (the
versions stay); with it, that version is removed for good. Object lock is
honoured: a version under GOVERNANCE retention is deleted only with
--bypass-governance (never implied), COMPLIANCE retention and legal holds
cannot be bypassed.

Options:
  --version-id <id>       delete this version
  -r, --recursive         every object under the prefix (batch deletes)
  --all-versions          with -r: every version and delete marker, not just the current objects
  --include / --exclude   with -r: filter the keys (relative to the prefix; the last match wins)
  --bypass-governance     also delete versions under GOVERNANCE retention (needs the permission)
  --dry-run               print what would be deleted, delete nothing`,
  options: {
    'version-id': { type: 'string' },
    recursive: { type: 'boolean', short: 'r' },
    'all-versions': { type: 'boolean' },
    include: { type: 'string', multiple: true },
    exclude: { type: 'string', multiple: true },
    'bypass-governance': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  },
  async run(ctx, args, values, filterOrder) {
    expectArgs(args, 1, 1, 'rm', RM_USAGE);
    const location = ctx.remote(args[0], 'rm');
    const bucket = requireBucket(location, 'rm');
    const bypass = bool(values, 'bypass-governance');
    const dryRun = bool(values, 'dry-run');
    if (!bool(values, 'recursive')) {
      if (bool(values, 'all-versions')) throw new UsageError('rm: --all-versions needs -r');
      if ((filterOrder ?? []).length > 0) throw new UsageError('rm: --include / --exclude need -r');
      if (location.key === '') throw new UsageError(`rm: ${location.raw} names a bucket; delete it with stowage rb, or its contents with rm -r`);
      const { store } = await ctx.open(location);
      const versionId = str(values, 'version-id');
      const url = formatLocation(location.provider, bucket, location.key);
      if (dryRun) {
        ctx.out.emit({ dryRun: true, key: location.key, versionId });
        ctx.out.info(`would delete ${url}${versionId ? ` version ${versionId}` : ''}`);
        return;
      }
      const result = await store.delete(bucket, location.key, { versionId, bypassGovernanceRetention: bypass || undefined, signal: ctx.signal });
      ctx.out.emit({ ok: true, deleted: url, ...result });
      ctx.out.info(
        `delete: ${url}${versionId ? ` version ${versionId}` : ''}${result.deleteMarker && !versionId ? ` (delete marker ${result.versionId ?? ''} added; earlier versions are kept)` : ''}`,
      );
      return;
    }
    if (str(values, 'version-id') !== undefined) throw new UsageError('rm -r: --version-id deletes one version; drop -r');
    const { store } = await ctx.open(location);
    const filters = makeFilters(filterOrder ?? []);
    const result = await deletePrefix(ctx, store, location, bucket, location.key, { allVersions: bool(values, 'all-versions'), bypass, dryRun, filter: (rel) => selected(filters, rel) });
    ctx.out.emit({ type: 'summary', deleted: result.deleted, failed: result.failed.length, dryRun });
    ctx.out.info(`${dryRun ? 'would delete' : 'deleted'} ${result.deleted} ${bool(values, 'all-versions') ? 'version' : 'object'}${result.deleted === 1 ? '' : 's'}${result.failed.length ? `, ${result.failed.length} failed` : ''}`);
    if (result.failed.length > 0) return exitCodeFor(result.failed[0]);
  },
};

/** Deletes what is under `prefix` (current objects, or every version with `allVersions`) in batches. */
export async function deletePrefix(
  ctx: Context,
  store: Store,
  location: RemoteLocation,
  bucket: string,
  prefix: string,
  options: { allVersions: boolean; bypass: boolean; dryRun?: boolean; filter?: (relative: string) => boolean },
): Promise<{ deleted: number; failed: unknown[] }> {
  const batchSize = Math.min(store.capabilities.batchDeleteMax ?? 100, 1000);
  let batch: DeleteManyEntry[] = [];
  let deleted = 0;
  const failed: unknown[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const entries = batch;
    batch = [];
    if (options.dryRun) {
      for (const e of entries) {
        ctx.out.emit({ dryRun: true, key: e.key, versionId: e.versionId });
        ctx.out.info(`would delete ${formatLocation(location.provider, bucket, e.key)}${e.versionId ? ` version ${e.versionId}` : ''}`);
      }
      deleted += entries.length;
      return;
    }
    const results = await store.deleteMany(bucket, entries, { bypassGovernanceRetention: options.bypass || undefined, signal: ctx.signal });
    for (const r of results) {
      const url = formatLocation(location.provider, bucket, r.key);
      if (r.deleted) {
        deleted++;
        ctx.out.emit({ ok: true, deleted: url, versionId: r.versionId, deleteMarker: r.deleteMarker });
        ctx.out.debug(`deleted ${url}${r.versionId ? ` version ${r.versionId}` : ''}`);
      } else {
        failed.push(r.error);
        ctx.out.emit({ ok: false, key: r.key, versionId: r.versionId, error: r.error.toJSON() });
        ctx.out.warn(`stowage: could not delete ${url}${r.versionId ? ` version ${r.versionId}` : ''}: ${r.error.code}: ${r.error.message}`);
      }
    }
  };
  const keep = (key: string) => options.filter?.(key.slice(prefix.length)) ?? true;
  if (options.allVersions) {
    for await (const v of store.listVersions(bucket, { prefix: prefix || undefined, signal: ctx.signal })) {
      if (!keep(v.key)) continue;
      batch.push({ key: v.key, versionId: v.versionId });
      if (batch.length >= batchSize) await flush();
    }
  } else {
    for await (const o of store.list(bucket, { prefix: prefix || undefined, signal: ctx.signal })) {
      if (!keep(o.key)) continue;
      batch.push({ key: o.key });
      if (batch.length >= batchSize) await flush();
    }
  }
  await flush();
  return { deleted, failed };
}

const MB_USAGE = 'stowage mb <provider://bucket> [--object-lock] [--versioning] [--bucket-region R]';

export const mb: Command = {
  name: 'mb',
  summary: 'make a bucket (optionally with object lock or versioning)',
  help: `${MB_USAGE}

Options:
  --object-lock           enable object lock (the bucket is versioned, and versioning cannot be suspended)
  --versioning            enable versioning right after creating it
  --bucket-region <name>  the bucket's location constraint (--region is the signing region)`,
  options: {
    'object-lock': { type: 'boolean' },
    versioning: { type: 'boolean' },
    'bucket-region': { type: 'string' },
  },
  async run(ctx, args, values) {
    expectArgs(args, 1, 1, 'mb', MB_USAGE);
    const location = ctx.remote(args[0], 'mb', 'a bucket');
    const bucket = requireBucket(location, 'mb');
    if (location.key !== '') throw new UsageError(`mb: ${location.raw} has a key; give only provider://bucket`);
    const { store } = await ctx.open(location, { create: false });
    const region = str(values, 'bucket-region');
    await store.createBucket(bucket, { objectLock: bool(values, 'object-lock') || undefined, region, signal: ctx.signal });
    if (bool(values, 'versioning') && !bool(values, 'object-lock')) await store.setVersioning(bucket, 'Enabled', { signal: ctx.signal });
    const url = formatLocation(location.provider, bucket);
    ctx.out.emit({ ok: true, created: url, objectLock: bool(values, 'object-lock'), versioning: bool(values, 'versioning') || bool(values, 'object-lock') });
    ctx.out.info(`make bucket: ${url}${bool(values, 'object-lock') ? ' (object lock on, versioned)' : bool(values, 'versioning') ? ' (versioned)' : ''}`);
  },
};

const RB_USAGE = 'stowage rb <provider://bucket> [--force] [--bypass-governance]';

export const rb: Command = {
  name: 'rb',
  summary: 'remove a bucket (--force empties it first)',
  help: `${RB_USAGE}

Options:
  --force               first abort multipart uploads and delete every object, version and delete marker
  --bypass-governance   with --force: also delete versions under GOVERNANCE retention (COMPLIANCE and legal holds still refuse)`,
  options: {
    force: { type: 'boolean' },
    'bypass-governance': { type: 'boolean' },
  },
  async run(ctx, args, values) {
    expectArgs(args, 1, 1, 'rb', RB_USAGE);
    const location = ctx.remote(args[0], 'rb', 'a bucket');
    const bucket = requireBucket(location, 'rb');
    if (location.key !== '') throw new UsageError(`rb: ${location.raw} has a key; give only provider://bucket`);
    const { store } = await ctx.open(location, { create: false });
    if (bool(values, 'force')) {
      if (store.capabilities.multipart) {
        let cursor: string | undefined;
        do {
          const page = await store.listUploads(bucket, { cursor, signal: ctx.signal });
          for (const u of page.uploads) await store.abortMultipartUpload({ bucket, key: u.key, uploadId: u.uploadId }, { signal: ctx.signal }).catch(() => {});
          cursor = page.nextCursor;
        } while (cursor);
      }
      const versioned = store.capabilities.listVersions;
      const { deleted, failed } = await deletePrefix(ctx, store, location, bucket, '', { allVersions: versioned, bypass: bool(values, 'bypass-governance') });
      ctx.out.note(`emptied ${formatLocation(location.provider, bucket)}: ${deleted} ${versioned ? 'version' : 'object'}${deleted === 1 ? '' : 's'} deleted`);
      if (failed.length > 0) {
        const first = failed[0];
        if (isStowageError(first, 'ObjectLocked')) ctx.out.warn('stowage: locked versions remain; the bucket cannot be removed until their retention ends (GOVERNANCE: --bypass-governance) and legal holds are released');
        return exitCodeFor(first);
      }
    }
    await store.deleteBucket(bucket, { signal: ctx.signal });
    const url = formatLocation(location.provider, bucket);
    ctx.out.emit({ ok: true, removed: url });
    ctx.out.info(`remove bucket: ${url}`);
  },
};
