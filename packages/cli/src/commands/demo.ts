import { randomFillSync } from 'node:crypto';
import { Readable } from 'node:stream';
import { isStowageError, openStore, type ObjectLockedError } from '@stowage/core';
import { download, upload } from '@stowage/transfer';
import { str, type Command } from '../context.js';
import { exitCodeFor, UsageError } from '../exit-codes.js';
import { formatBytes, parseSize } from '../units.js';

const USAGE = 'stowage demo [--size 256MiB]';

/** A generated body of `size` bytes (1 MiB of random bytes, varied per chunk), produced as it is read. */
export function generatedBody(size: number): Readable {
  const block = randomFillSync(Buffer.alloc(1024 * 1024));
  let sent = 0;
  let n = 0;
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const len = Math.min(block.length, size - sent);
      const chunk = Buffer.from(block.subarray(0, len));
      chunk[0] = n++ & 0xff;
      sent += len;
      this.push(chunk);
    },
  });
}

export const demo: Command = {
  name: 'demo',
  summary: 'the main job end to end on the in-memory store: upload with progress, verified download, listing, object lock',
  help: `${USAGE}

Runs in this process on the in-memory reference store (no server, no
credentials): makes a bucket with object lock, uploads a generated object
through the transfer manager (parallel parts, per-part checksums, progress
bar), downloads it back verified against its ETag, pages through a listing
with integrity-protected cursors, and shows a retention refusing a delete.

Options:
  --size <size>   the generated object (default 256MiB)`,
  options: {
    size: { type: 'string' },
  },
  async run(ctx, args, values) {
    if (args.length > 0) throw new UsageError('demo takes no arguments');
    const size = parseSize(str(values, 'size') ?? '256MiB', '--size');
    const out = ctx.out;
    const store = await openStore('memory://', { modules: { memory: await import('@stowage/memory') } });
    out.info(`Stowage demo — ${store.provider}:// (the in-memory reference store: no server, no credentials)\n`);

    await store.createBucket('demo', { objectLock: true });
    out.info('1. stowage mb memory://demo --object-lock');
    out.info('   bucket demo made, object lock on (so it is versioned)\n');

    out.info(`2. stowage cp <generated ${formatBytes(size)}> memory://demo/big.bin`);
    const up = ctx.progress('big.bin', size);
    let uploaded;
    try {
      uploaded = await upload(store, 'demo', 'big.bin', generatedBody(size), {
        contentLength: size,
        contentType: 'application/octet-stream',
        signal: ctx.signal,
        onProgress: (p) => up.update('big.bin', p),
      });
      up.complete('big.bin', uploaded.size, uploaded.parts);
      up.finish(true);
    } catch (e) {
      up.finish(false);
      throw e;
    }
    const upSeconds = uploaded.stats.elapsedMs / 1000;
    out.info(
      `   ${formatBytes(uploaded.size)} in ${upSeconds.toFixed(1)} s (${formatBytes(uploaded.size / upSeconds)}/s): ${uploaded.multipart ? `multipart, ${uploaded.parts} parts of ${formatBytes(uploaded.partSize ?? 0)}` : 'one put'}, ` +
        `${uploaded.stats.concurrency} in flight, at most ${formatBytes(uploaded.stats.maxBufferedBytes)} buffered`,
    );
    const whole = uploaded.integrity.objectChecksum;
    const objectCheck = whole
      ? `whole-object ${whole.algorithm.toUpperCase()} ${whole.value} (combined from the parts) checked and kept by the store`
      : `final ETag ${uploaded.etag} ${uploaded.integrity.etagVerified ? 'matches the parts sent' : 'not checked'}`;
    out.info(`   each part's ${uploaded.integrity.serverVerified ?? 'no'} checksum verified by the store; ${objectCheck}\n`);

    out.info('3. stowage cp memory://demo/big.bin <a hashing sink>');
    const down = ctx.progress('big.bin', size);
    const d = download(store, 'demo', 'big.bin', { signal: ctx.signal, onProgress: (p) => down.update('big.bin', p) });
    let result;
    try {
      await d.open();
      for await (const _chunk of d.nodeStream()) {
        // discard: the download hashes what it delivers
      }
      result = await d.result;
      down.complete('big.bin', result.size, result.requests);
      down.finish(true);
    } catch (e) {
      down.finish(false);
      throw e;
    }
    out.info(
      `   ${formatBytes(result.size)} read back (${result.strategy}, ${result.requests} request${result.requests === 1 ? '' : 's'}), ` +
        `${result.integrity.verified ? `verified: ${result.integrity.method}` : `not verified: ${result.integrity.reason}`}\n`,
    );

    out.info('4. stowage ls memory://demo/photos/ --page-size 40');
    for (let i = 0; i < 100; i++) {
      const year = 2023 + (i % 3);
      await store.put('demo', `photos/${year}/img-${String(i).padStart(3, '0')}.jpg`, `photo ${i}`, { contentType: 'image/jpeg', metadata: { camera: i % 2 ? 'X100V' : 'Zf' } });
    }
    const folders = await store.listPage('demo', { prefix: 'photos/', delimiter: '/' });
    out.info(`   with delimiter "/": ${folders.commonPrefixes.join('  ')}`);
    let page = 0;
    for await (const p of store.listPages('demo', { prefix: 'photos/', pageSize: 40 })) {
      page++;
      out.info(`   page ${page}: ${p.objects.length} keys, ${p.objects[0]?.key} … ${p.objects.at(-1)?.key}${p.nextCursor ? `  → cursor ${p.nextCursor.slice(0, 20)}… (HMAC-protected)` : '  (last page)'}`);
    }
    out.info('');

    out.info('5. stowage retain set memory://demo/contract.pdf --mode GOVERNANCE --for 1d; stowage rm … --version-id …');
    const retainUntil = new Date(store.now().getTime() + 86_400_000);
    const v1 = await store.put('demo', 'contract.pdf', 'signed contract', { retention: { mode: 'GOVERNANCE', retainUntil } });
    out.info(`   contract.pdf version ${v1.versionId} retained (GOVERNANCE) until ${retainUntil.toISOString()}`);
    try {
      await store.delete('demo', 'contract.pdf', { versionId: v1.versionId });
      out.warn('   !! the retained version was deleted: this must not happen');
      return 1;
    } catch (e) {
      if (!isStowageError(e, 'ObjectLocked')) throw e;
      out.info(`   deleting that version is refused: ${e.code} (reason ${(e as ObjectLockedError).reason}); the CLI exits ${exitCodeFor(e)}`);
    }
    await store.setLegalHold('demo', 'contract.pdf', true, { versionId: v1.versionId });
    try {
      await store.delete('demo', 'contract.pdf', { versionId: v1.versionId, bypassGovernanceRetention: true });
      out.warn('   !! the held version was deleted: this must not happen');
      return 1;
    } catch (e) {
      if (!isStowageError(e, 'ObjectLocked')) throw e;
      out.info(`   with a legal hold on, even --bypass-governance is refused: ${e.code} (reason ${(e as ObjectLockedError).reason})`);
    }
    out.info('');
    out.info('Next: `stowage serve` runs this store as an S3 endpoint for many commands (stowage --help lists them all).');
    ctx.out.emit({ ok: true, upload: { bytes: uploaded.size, parts: uploaded.parts, etag: uploaded.etag, integrity: uploaded.integrity }, download: { verified: result.integrity.verified, method: result.integrity.method } });
    return 0;
  },
};
