import { existsSync } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, extname, join, relative, sep } from 'node:path';
import { isStowageError, PreconditionFailedError, type Metadata, type Retention, type Store } from '@stowage/core';
import { bool, expectArgs, list, str, type Command, type Context, type Values } from '../context.js';
import { exitCodeFor, UsageError } from '../exit-codes.js';
import { makeFilters, selected, type Filter } from '../filters.js';
import { formatLocation, type Location, type RemoteLocation } from '../location.js';
import type { ProgressReporter } from '../progress.js';
import { localPathFor, prepareParent, UnsafeKeyError } from '../safe-path.js';
import { copyObject, downloadFile, uploadFile, type Outcome, type TransferSettings, type WriteSettings } from '../transfers.js';
import { formatBytes, parseDate, parseDuration, parseInteger, parseSize } from '../units.js';

const USAGE = 'stowage cp <source> <destination> [-r] [--include G] [--exclude G] [options]';

/**
 * Whether @stowage/transfer offers resumable transfers: it does for uploads
 * from files (checkpoints, `resume`). Without it `--resume` is refused.
 */
export const RESUME_AVAILABLE = true;

/** Where `--resume` keeps upload checkpoints: $STOWAGE_CHECKPOINT_DIR, else $XDG_STATE_HOME/stowage/checkpoints, else ~/.local/state/…. */
export function checkpointDir(): string {
  if (process.env.STOWAGE_CHECKPOINT_DIR) return process.env.STOWAGE_CHECKPOINT_DIR;
  return join(process.env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'stowage', 'checkpoints');
}

export const cp: Command = {
  name: 'cp',
  summary: 'copy files to objects, objects to files, objects to objects (across providers)',
  help: `${USAGE}

Sources and destinations: a local path, - (stdin / stdout), or provider://bucket/key.
A destination ending in "/" (or an existing folder) is a folder: the source's
name is appended. Transfers go through @stowage/transfer: parallel parts,
per-part checksums the server verifies, the whole object verified on download.

Options:
  -r, --recursive          copy a folder or a prefix (file ↔ object ↔ object)
  --include <glob>         only paths matching (repeatable; with --exclude, the last match wins)
  --exclude <glob>         skip paths matching (* any run of characters, ? one, [abc] a set)
  --jobs <n>               files in parallel with -r (default 4)
  --concurrency <n>        parts in flight per file (default 4)
  --part-size <size>       multipart part size (default 16MiB, raised to fit the backend's part limit)
  --checksum <alg>         per-part checksum: auto (default), crc32, crc32c, sha1, sha256, md5, none
  --no-verify              do not hash downloads against the ETag
  --version-id <id>        copy this version of the source object
  --content-type <type>    Content-Type of new objects (default: from the file extension)
  --metadata <k=v>         user metadata on new objects (repeatable)
  --retention-mode <mode>  GOVERNANCE or COMPLIANCE retention on new objects, with
  --retain-until <date>    …an ISO date, or
  --retain-for <duration>  …a duration from now (30s, 12h, 7d, 1y)
  --legal-hold             put a legal hold on new objects
  --no-clobber             never overwrite: objects with If-None-Match: * (where the backend can), files refused if present
  --max-rate <size>        upload at most this many bytes per second (e.g. 20MiB)
  --resume                 checkpoint uploads from files after each part and resume an interrupted one
                           (only the missing parts are sent; a changed file is refused). An interrupted
                           upload then keeps its parts for the next --resume. Checkpoints: $STOWAGE_CHECKPOINT_DIR
                           or ~/.local/state/stowage/checkpoints
  --progress / --no-progress   force / hide the progress display (default: a bar on a TTY, lines otherwise)

Examples:
  stowage cp ./backup.tar 's3://backups/2025/?endpoint=http://127.0.0.1:9000'
  stowage cp s3://backups/2025/backup.tar ./restore/
  stowage cp -r ./site s3://www/ --exclude '*.map'
  stowage cp -r minio://photos/2024/ 's3://archive/photos/2024/?profile=ceph'
  pg_dump db | stowage cp - s3://backups/db.sql`,
  options: {
    recursive: { type: 'boolean', short: 'r' },
    include: { type: 'string', multiple: true },
    exclude: { type: 'string', multiple: true },
    jobs: { type: 'string' },
    concurrency: { type: 'string' },
    'part-size': { type: 'string' },
    checksum: { type: 'string' },
    'no-verify': { type: 'boolean' },
    'version-id': { type: 'string' },
    'content-type': { type: 'string' },
    metadata: { type: 'string', multiple: true },
    'retention-mode': { type: 'string' },
    'retain-until': { type: 'string' },
    'retain-for': { type: 'string' },
    'legal-hold': { type: 'boolean' },
    'no-clobber': { type: 'boolean' },
    'max-rate': { type: 'string' },
    resume: { type: 'boolean' },
  },
  async run(ctx, args, values, filterOrder) {
    expectArgs(args, 2, 2, 'cp', USAGE);
    if (bool(values, 'resume') && !RESUME_AVAILABLE) {
      throw new UsageError(
        'cp --resume is not available yet: @stowage/transfer has no resumable transfers (checkpoints) in this version',
        'run the copy again without --resume; an interrupted multipart upload is aborted, so nothing is left behind',
      );
    }
    const source = ctx.location(args[0]!);
    const destination = ctx.location(args[1]!);
    const settings = transferSettings(ctx, values);
    if (bool(values, 'resume')) {
      if (source.kind !== 'local' || source.stdio || destination.kind === 'local') {
        throw new UsageError('cp --resume applies to uploads from local files (not stdin, downloads or object copies)');
      }
      if (settings.maxRate !== undefined) throw new UsageError('cp: --resume and --max-rate cannot be combined (a throttled upload is a stream, which cannot be resumed)');
      settings.checkpointDir = checkpointDir();
    }
    const write = writeSettings(values);
    const filters = makeFilters(filterOrder ?? []);
    if (!bool(values, 'recursive') && filters.length > 0) throw new UsageError('cp: --include / --exclude need --recursive');
    if (source.kind === 'local' && destination.kind === 'local') throw new UsageError('cp: both the source and the destination are local; one must be provider://bucket/key');
    if (settings.maxRate !== undefined && source.kind !== 'local') throw new UsageError('cp: --max-rate applies to uploads from local files or stdin');
    if (bool(values, 'recursive')) return copyTree(ctx, source, destination, settings, write, filters, values);
    return copyOne(ctx, source, destination, settings, write, values);
  },
};

function transferSettings(ctx: Context, values: Values): TransferSettings & { versionId?: string } {
  const checksum = str(values, 'checksum');
  const allowed = ['auto', 'crc32', 'crc32c', 'sha1', 'sha256', 'md5', 'none'];
  if (checksum !== undefined && !allowed.includes(checksum)) throw new UsageError(`--checksum must be one of ${allowed.join(', ')}`);
  return {
    signal: ctx.signal,
    concurrency: str(values, 'concurrency') === undefined ? undefined : parseInteger(str(values, 'concurrency')!, '--concurrency', 1, 64),
    partSize: str(values, 'part-size') === undefined ? undefined : parseSize(str(values, 'part-size')!, '--part-size'),
    checksum: checksum === undefined ? undefined : checksum === 'none' ? false : (checksum as TransferSettings['checksum']),
    maxRate: str(values, 'max-rate') === undefined ? undefined : Math.max(1, parseSize(str(values, 'max-rate')!, '--max-rate')),
    verify: bool(values, 'no-verify') ? false : undefined,
    versionId: str(values, 'version-id'),
  };
}

/** Metadata, content type and lock settings for new objects. */
export function writeSettings(values: Values): WriteSettings {
  const out: WriteSettings = {};
  const contentType = str(values, 'content-type');
  if (contentType !== undefined) out.contentType = contentType;
  const metadata: Metadata = {};
  for (const entry of list(values, 'metadata')) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--metadata takes name=value, got "${entry}"`);
    metadata[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  if (Object.keys(metadata).length > 0) out.metadata = metadata;
  const retention = retentionFrom(values, false);
  if (retention) out.retention = retention;
  if (bool(values, 'legal-hold')) out.legalHold = true;
  if (bool(values, 'no-clobber')) out.ifNoneMatch = '*';
  return out;
}

/** `--retention-mode` with `--retain-until` or `--retain-for`; undefined when none is given. */
export function retentionFrom(values: Values, required: boolean, now = new Date()): Retention | undefined {
  const mode = str(values, 'retention-mode') ?? str(values, 'mode');
  const until = str(values, 'retain-until') ?? str(values, 'until');
  const forText = str(values, 'retain-for') ?? str(values, 'for');
  if (mode === undefined && until === undefined && forText === undefined) {
    if (required) throw new UsageError('give a retention: --mode GOVERNANCE|COMPLIANCE with --until <date> or --for <duration>');
    return undefined;
  }
  const upper = mode?.toUpperCase();
  if (upper !== 'GOVERNANCE' && upper !== 'COMPLIANCE') throw new UsageError('a retention needs a mode: GOVERNANCE or COMPLIANCE');
  if ((until === undefined) === (forText === undefined)) throw new UsageError('a retention needs exactly one of a date (--until / --retain-until) or a duration (--for / --retain-for)');
  const retainUntil = until !== undefined ? parseDate(until, 'the retain-until date') : new Date(now.getTime() + parseDuration(forText!, 'the retention duration') * 1000);
  return { mode: upper, retainUntil };
}

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mpd': 'application/dash+xml',
  '.mp3': 'audio/mpeg',
};

export function contentTypeFor(name: string): string | undefined {
  return CONTENT_TYPES[extname(name).toLowerCase()];
}

function printOutcome(ctx: Context, outcome: Outcome, from: string, to: string): void {
  const seconds = outcome.elapsedMs / 1000;
  const rate = seconds > 0 ? outcome.bytes / seconds : 0;
  const integrity = describeIntegrity(outcome);
  ctx.out.emit({ ok: true, ...withoutResult(outcome), source: from, destination: to, rate });
  ctx.out.info(
    `${outcome.kind}: ${from} → ${to}  ${formatBytes(outcome.bytes)} in ${seconds.toFixed(1)} s (${formatBytes(rate)}/s)` +
      `${outcome.parts !== undefined ? `, ${outcome.parts} part${outcome.parts === 1 ? '' : 's'}` : ''}${outcome.mode ? `, ${outcome.mode}` : ''}${integrity ? `; ${integrity}` : ''}`,
  );
}

function withoutResult(outcome: Outcome & { result?: unknown }): Outcome {
  const { result: _r, ...rest } = outcome;
  return rest;
}

function describeIntegrity(o: Outcome): string {
  const i = o.integrity;
  const parts: string[] = [];
  if (o.kind !== 'download') {
    if (typeof i.serverVerified === 'string') parts.push(`${i.serverVerified} verified by the server`);
    if (i.etagVerified === true) parts.push('ETag checked');
  }
  if (o.kind === 'download') parts.push(i.verified === true ? `verified (${String(i.method)})` : `not verified${i.reason ? `: ${String(i.reason)}` : ''}`);
  if (o.kind === 'copy' && i.sourceVerified === true) parts.push('source verified');
  return parts.join(', ');
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The last segment of a key, refused when it cannot be a file name. */
function fileNameOfKey(key: string): string {
  const name = key.split('/').filter(Boolean).pop() ?? '';
  if (name === '' || name === '.' || name === '..' || name.includes('\0')) throw new UsageError(`cannot name a local file after the key "${key}": give a destination file name`);
  return name;
}

async function copyOne(ctx: Context, source: Location, destination: Location, settings: TransferSettings & { versionId?: string }, write: WriteSettings, values: Values): Promise<number> {
  const noClobber = bool(values, 'no-clobber');
  if (source.kind === 'local') {
    const dest = destination as RemoteLocation;
    if (dest.bucket === undefined) throw new UsageError(`cp: ${dest.raw} names no bucket`);
    if (settings.versionId !== undefined) throw new UsageError('cp: --version-id is for an object source');
    let key = dest.key;
    if (source.stdio) {
      if (dest.trailingSlash) throw new UsageError('cp: from stdin the destination must name the object key (provider://bucket/key)');
    } else {
      const st = await stat(source.path);
      if (st.isDirectory()) throw new UsageError(`cp: ${source.raw} is a folder: add -r to copy it`);
      if (dest.trailingSlash) key = `${dest.key}${basename(source.path)}`;
    }
    const { store } = await ctx.open(dest);
    const writeOptions = await clobberCheck(store, dest.bucket, key, write, noClobber);
    const label = source.stdio ? 'stdin' : basename(source.path);
    const size = source.stdio ? undefined : (await stat(source.path)).size;
    const reporter = ctx.progress(label, size);
    try {
      const outcome = await uploadFile(store, dest.bucket, key, source.stdio ? undefined : source.path, { ...settings, ...writeOptions, contentType: write.contentType ?? contentTypeFor(key) }, reporter, key);
      reporter.finish(true);
      printOutcome(ctx, outcome, source.stdio ? '-' : source.raw, formatLocation(dest.provider, dest.bucket, key));
      return 0;
    } catch (e) {
      reporter.finish(false);
      throw e;
    }
  }

  if (source.bucket === undefined || source.key === '' || source.key.endsWith('/')) {
    throw new UsageError(`cp: ${source.raw} names a bucket or prefix, not an object`, 'add -r to copy everything under it');
  }
  const { store: sourceStore } = await ctx.open(source);
  if (destination.kind === 'local') {
    let path: string | undefined;
    if (!destination.stdio) {
      path = destination.trailingSlash || (await isDirectory(destination.path)) ? join(destination.path, fileNameOfKey(source.key)) : destination.path;
      if (noClobber && existsSync(path)) throw Object.assign(new Error(`${path} exists (--no-clobber)`), { code: 'EEXIST' });
      await prepareParent(join(path, '..'), path);
    }
    const reporter = destination.stdio && ctx.out.stdout === process.stdout && process.stdout.isTTY ? undefined : ctx.progress(fileNameOfKey(source.key), undefined);
    try {
      const outcome = await downloadFile(sourceStore, source.bucket, source.key, path, settings, reporter, source.key, ctx.out.stdout);
      reporter?.finish(true);
      if (!destination.stdio) printOutcome(ctx, outcome, formatLocation(source.provider, source.bucket, source.key), path!);
      else ctx.out.emit({ ok: true, ...withoutResult(outcome) });
      return 0;
    } catch (e) {
      reporter?.finish(false);
      throw e;
    }
  }

  if (destination.bucket === undefined) throw new UsageError(`cp: ${destination.raw} names no bucket`);
  const key = destination.trailingSlash ? `${destination.key}${fileNameOfKey(source.key)}` : destination.key;
  const { store: targetStore } = await ctx.open(destination);
  const writeOptions = await clobberCheck(targetStore, destination.bucket, key, write, noClobber);
  const reporter = ctx.progress(fileNameOfKey(source.key), undefined);
  try {
    const outcome = await copyObject(
      { store: sourceStore, bucket: source.bucket, key: source.key, versionId: settings.versionId },
      { store: targetStore, bucket: destination.bucket, key },
      { ...settings, ...writeOptions },
      reporter,
      key,
    );
    reporter.finish(true);
    printOutcome(ctx, outcome, formatLocation(source.provider, source.bucket, source.key), formatLocation(destination.provider, destination.bucket, key));
    return 0;
  } catch (e) {
    reporter.finish(false);
    throw e;
  }
}

/**
 * `--no-clobber` on an object: If-None-Match: * where the backend enforces
 * it; elsewhere a HEAD first (not atomic, said in the help).
 */
async function clobberCheck(store: Store, bucket: string, key: string, write: WriteSettings, noClobber: boolean): Promise<WriteSettings> {
  if (!noClobber) return write;
  if (store.capabilities.conditionalWrite.ifNoneMatch) return write;
  const { ifNoneMatch: _i, ...rest } = write;
  try {
    await store.head(bucket, key);
  } catch (e) {
    if (isStowageError(e, 'ObjectNotFound')) return rest;
    throw e;
  }
  throw new PreconditionFailedError(`${bucket}/${key} exists (--no-clobber)`, { provider: store.provider });
}

interface TreeItem {
  /** Path relative to the source folder / prefix, with "/" separators. */
  rel: string;
  size: number;
  run: (reporter: ProgressReporter, id: string) => Promise<Outcome>;
  from: string;
  to: string;
}

async function walk(root: string, out: Array<{ rel: string; path: string; size: number }>, ctx: Context, dir = root): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await walk(root, out, ctx, path);
      continue;
    }
    let st = await lstat(path);
    if (st.isSymbolicLink()) {
      try {
        st = await stat(path);
      } catch {
        ctx.out.note(`skipping ${path}: a broken symbolic link`);
        continue;
      }
      if (st.isDirectory()) {
        ctx.out.note(`skipping ${path}: a symbolic link to a folder (not followed)`);
        continue;
      }
    }
    if (!st.isFile()) {
      ctx.out.note(`skipping ${path}: not a regular file`);
      continue;
    }
    out.push({ rel: relative(root, path).split(sep).join('/'), path, size: st.size });
  }
}

async function copyTree(
  ctx: Context,
  source: Location,
  destination: Location,
  settings: TransferSettings & { versionId?: string },
  write: WriteSettings,
  filters: Filter[],
  values: Values,
): Promise<number> {
  if (settings.versionId !== undefined) throw new UsageError('cp -r: --version-id copies one object; drop -r');
  const jobs = str(values, 'jobs') === undefined ? 4 : parseInteger(str(values, 'jobs')!, '--jobs', 1, 64);
  const noClobber = bool(values, 'no-clobber');
  const items: TreeItem[] = [];
  const skipped: Array<{ key: string; reason: string }> = [];
  const prefixOf = (key: string) => (key === '' || key.endsWith('/') ? key : `${key}/`);

  if (source.kind === 'local') {
    if (source.stdio) throw new UsageError('cp -r: stdin is not a folder');
    if (!(await isDirectory(source.path))) throw new UsageError(`cp -r: ${source.raw} is not a folder`);
    const dest = destination as RemoteLocation;
    if (dest.bucket === undefined) throw new UsageError(`cp: ${dest.raw} names no bucket`);
    const { store } = await ctx.open(dest);
    const files: Array<{ rel: string; path: string; size: number }> = [];
    await walk(source.path, files, ctx);
    const base = prefixOf(dest.key);
    for (const f of files) {
      if (!selected(filters, f.rel)) continue;
      const key = `${base}${f.rel}`;
      const to = formatLocation(dest.provider, dest.bucket, key);
      items.push({
        rel: f.rel,
        size: f.size,
        from: f.path,
        to,
        run: async (reporter, id) => {
          const w = await clobberCheck(store, dest.bucket!, key, write, noClobber);
          return uploadFile(store, dest.bucket!, key, f.path, { ...settings, ...w, contentType: write.contentType ?? contentTypeFor(key) }, reporter, id);
        },
      });
    }
  } else {
    if (source.bucket === undefined) throw new UsageError(`cp -r: ${source.raw} names no bucket`);
    const { store: sourceStore } = await ctx.open(source);
    const prefix = prefixOf(source.key);
    const objects: Array<{ key: string; size: number }> = [];
    for await (const o of sourceStore.list(source.bucket, { prefix: prefix || undefined, signal: ctx.signal })) objects.push({ key: o.key, size: o.size });
    if (destination.kind === 'local') {
      if (destination.stdio) throw new UsageError('cp -r: cannot write many objects to stdout');
      const root = destination.path;
      for (const o of objects) {
        const rel = o.key.slice(prefix.length);
        if (rel.endsWith('/') && o.size === 0) {
          skipped.push({ key: o.key, reason: 'a folder marker (zero-byte key ending in "/")' });
          continue;
        }
        if (!selected(filters, rel)) continue;
        let path: string;
        try {
          path = localPathFor(root, rel);
        } catch (e) {
          if (!(e instanceof UnsafeKeyError)) throw e;
          skipped.push({ key: o.key, reason: `refused: ${e.message}` });
          continue;
        }
        items.push({
          rel,
          size: o.size,
          from: formatLocation(source.provider, source.bucket, o.key),
          to: path,
          run: async (reporter, id) => {
            if (noClobber && existsSync(path)) throw Object.assign(new Error(`${path} exists (--no-clobber)`), { code: 'EEXIST' });
            await prepareParent(root, path);
            return downloadFile(sourceStore, source.bucket!, o.key, path, settings, reporter, id);
          },
        });
      }
    } else {
      if (destination.bucket === undefined) throw new UsageError(`cp: ${destination.raw} names no bucket`);
      const { store: targetStore } = await ctx.open(destination);
      const base = prefixOf(destination.key);
      for (const o of objects) {
        const rel = o.key.slice(prefix.length);
        if (!selected(filters, rel)) continue;
        const key = `${base}${rel}`;
        items.push({
          rel,
          size: o.size,
          from: formatLocation(source.provider, source.bucket, o.key),
          to: formatLocation(destination.provider, destination.bucket, key),
          run: async (reporter, id) => {
            const w = await clobberCheck(targetStore, destination.bucket!, key, write, noClobber);
            return copyObject({ store: sourceStore, bucket: source.bucket!, key: o.key }, { store: targetStore, bucket: destination.bucket!, key }, { ...settings, ...w }, reporter, id);
          },
        });
      }
    }
  }

  for (const s of skipped) {
    ctx.out.warn(`stowage: skipped ${s.key}: ${s.reason}`);
    ctx.out.emit({ ok: false, skipped: true, key: s.key, reason: s.reason });
  }
  const total = items.reduce((n, i) => n + i.size, 0);
  const reporter = ctx.progress(`${items.length} file${items.length === 1 ? '' : 's'}`, total, items.length);
  const failures: Array<{ item: TreeItem; error: unknown }> = [];
  let copied = 0;
  let bytes = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < items.length && !ctx.signal.aborted) {
      const item = items[next++]!;
      const id = `${next}:${item.rel}`;
      try {
        const outcome = await item.run(reporter, id);
        copied++;
        bytes += outcome.bytes;
        ctx.out.emit({ ok: true, ...withoutResult(outcome as Outcome & { result?: unknown }), source: item.from, destination: item.to });
        if (ctx.progressMode !== 'bar') ctx.out.info(`${outcome.kind}: ${item.from} → ${item.to}`);
      } catch (e) {
        reporter.drop(id);
        if (ctx.signal.aborted) break;
        failures.push({ item, error: e });
        const message = e instanceof Error ? e.message : String(e);
        ctx.out.warn(`stowage: failed ${item.from} → ${item.to}: ${message}`);
        ctx.out.emit({ ok: false, source: item.from, destination: item.to, exitCode: exitCodeFor(e), error: isStowageError(e) ? e.toJSON() : { message } });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, items.length)) }, worker));
  reporter.finish(failures.length === 0 && !ctx.signal.aborted);
  ctx.checkInterrupted();
  const seconds = (performance.now() - started) / 1000;
  ctx.out.emit({ type: 'summary', copied, failed: failures.length, skipped: skipped.length, bytes, elapsedMs: seconds * 1000 });
  ctx.out.info(
    `${copied} of ${items.length} file${items.length === 1 ? '' : 's'} copied, ${formatBytes(bytes)} in ${seconds.toFixed(1)} s` +
      `${failures.length ? `, ${failures.length} failed` : ''}${skipped.length ? `, ${skipped.length} skipped` : ''}`,
  );
  if (failures.length > 0) return exitCodeFor(failures[0]!.error);
  if (skipped.some((s) => s.reason.startsWith('refused'))) return 1;
  return 0;
}
