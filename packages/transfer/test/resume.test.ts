import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessDeniedError, isStowageError, type Store } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { download, FileCheckpointStore, MemoryCheckpointStore, resumeUpload, SourceChangedError, upload, type UploadCheckpoint } from '../src/index.js';
import { runChild } from './support/child.js';
import { startFaultProxy } from './support/fault-proxy.js';
import { dropBucket, hasServer, openServer, pendingUploads, serverEnv, type ServerName } from './support/servers.js';
import { instrumentedStore, KiB, pattern, readAll } from './support/stores.js';

const B = 'bucket';
const MiB = 1024 * 1024;
const RUN = `${process.pid.toString(36)}${Date.now().toString(36)}`;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stowage-resume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resume (memory store)', () => {
  async function failedAt(partNumber: number, file: string, checkpoint: string | MemoryCheckpointStore) {
    const t = instrumentedStore();
    await t.store.createBucket(B);
    t.intercept.uploadPart = async (req) => {
      if (req.partNumber === partNumber) throw new AccessDeniedError('injected');
      return t.inner.uploadPart!(req);
    };
    const err = await upload(t.store, B, 'k', { path: file }, { partSize: 4 * KiB, concurrency: 1, checkpoint }).catch((e) => e);
    expect(isStowageError(err, 'AccessDenied'), String(err)).toBe(true);
    delete t.intercept.uploadPart;
    return t;
  }

  it('a failed upload keeps its parts and checkpoint; resume sends only the missing parts; the checkpoint is removed', async () => {
    const data = pattern(40 * KiB + 5);
    const file = join(dir, 'a.bin');
    await writeFile(file, data);
    const cpPath = join(dir, 'a.checkpoint.json');
    const t = await failedAt(4, file, cpPath);
    const cp = JSON.parse(await readFile(cpPath, 'utf8')) as UploadCheckpoint;
    expect(cp).toMatchObject({ version: 1, bucket: B, key: 'k', source: { kind: 'file', path: file, size: data.length }, schedule: { initial: 4 * KiB } });
    expect(cp.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    expect((await t.store.listUploads(B)).uploads).toHaveLength(1);

    const before = t.calls.length;
    const r = await resumeUpload(t.store, B, 'k', { path: file }, { partSize: 4 * KiB, concurrency: 2, checkpoint: cpPath });
    const sent = t.calls.slice(before).filter((c) => c.op === 'uploadPart').map((c) => c.req.partNumber as number);
    expect(sent.sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(r).toMatchObject({ multipart: true, parts: 11, size: data.length });
    expect(sha256(await readAll(download(t.store, B, 'k').stream()))).toBe(sha256(data));
    expect(await new FileCheckpointStore(cpPath).load()).toBeUndefined();
    expect((await t.store.listUploads(B)).uploads).toEqual([]);
  });

  it('a changed source (mtime, size) is refused', async () => {
    const data = pattern(20 * KiB);
    const file = join(dir, 'b.bin');
    await writeFile(file, data);
    const cp = new MemoryCheckpointStore();
    const t = await failedAt(2, file, cp);
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    const err = await resumeUpload(t.store, B, 'k', { path: file }, { partSize: 4 * KiB, checkpoint: cp }).catch((e) => e);
    expect(err).toBeInstanceOf(SourceChangedError);
    await writeFile(file, pattern(21 * KiB));
    expect(await resumeUpload(t.store, B, 'k', { path: file }, { partSize: 4 * KiB, checkpoint: cp }).catch((e) => e)).toBeInstanceOf(SourceChangedError);
    // Another key is refused too.
    expect(isStowageError(await resumeUpload(t.store, B, 'other', { path: file }, { checkpoint: cp }).catch((e) => e), 'InvalidArgument')).toBe(true);
  });

  it('resume with no checkpoint starts a new upload; an upload gone from the server starts over', async () => {
    const data = pattern(20 * KiB);
    const file = join(dir, 'c.bin');
    await writeFile(file, data);
    const cp = new MemoryCheckpointStore();
    const t = await failedAt(2, file, cp);
    for (const u of (await t.store.listUploads(B)).uploads) await t.store.abortMultipartUpload(u);
    const r = await resumeUpload(t.store, B, 'k', { path: file }, { partSize: 4 * KiB, checkpoint: cp });
    expect(r.parts).toBe(5);
    expect(sha256(await readAll(download(t.store, B, 'k').stream()))).toBe(sha256(data));
    const fresh = await resumeUpload(t.store, B, 'k2', { path: file }, { partSize: 4 * KiB, checkpoint: new MemoryCheckpointStore() });
    expect(fresh.parts).toBe(5);
  });

  it('bytes: skipped parts are re-hashed; other bytes of the same size are refused, the same bytes resume', async () => {
    const t = instrumentedStore();
    await t.store.createBucket(B);
    const data = pattern(20 * KiB + 3);
    const cp = new MemoryCheckpointStore();
    t.intercept.uploadPart = async (req) => {
      if (req.partNumber === 3) throw new AccessDeniedError('injected');
      return t.inner.uploadPart!(req);
    };
    expect(isStowageError(await upload(t.store, B, 'k', data, { partSize: 4 * KiB, concurrency: 1, checkpoint: cp }).catch((e) => e), 'AccessDenied')).toBe(true);
    delete t.intercept.uploadPart;
    const other = data.slice();
    other[5] = other[5]! ^ 1;
    expect(await resumeUpload(t.store, B, 'k', other, { partSize: 4 * KiB, checkpoint: cp }).catch((e) => e)).toBeInstanceOf(SourceChangedError);
    const before = t.count('uploadPart');
    const r = await resumeUpload(t.store, B, 'k', data, { partSize: 4 * KiB, checkpoint: cp });
    expect(t.count('uploadPart') - before).toBe(4);
    expect(r.parts).toBe(6);
    expect(sha256(await readAll(download(t.store, B, 'k').stream()))).toBe(sha256(data));
  });

  it('a checkpoint needs a body of known identity', async () => {
    const t = instrumentedStore();
    await t.store.createBucket(B);
    async function* gen() {
      yield pattern(20 * KiB);
    }
    const err = await upload(t.store, B, 'k', gen(), { partSize: 4 * KiB, checkpoint: new MemoryCheckpointStore() }).catch((e) => e);
    expect(isStowageError(err, 'InvalidArgument'), String(err)).toBe(true);
  });
});

for (const name of ['minio', 'ceph'] as ServerName[]) {
  describe.skipIf(!hasServer(name))(`resume after SIGKILL: ${name}`, { timeout: 180_000 }, () => {
    let store: Store;
    const bucket = `transfer-resume-${name}-${RUN}`;
    beforeAll(async () => {
      store = openServer(name);
      await store.createBucket(bucket);
    });
    afterAll(async () => {
      await dropBucket(store, bucket);
      await store.close();
    });

    it('a child killed after 3 of 9 parts; a fresh process sends only the missing parts; the object is byte-identical', async () => {
      const data = pattern(40 * MiB + 123, 3);
      const file = join(dir, `${name}-big.bin`);
      await writeFile(file, data);
      const checkpoint = join(dir, `${name}-big.checkpoint.json`);
      const key = 'resumed';
      const partSize = 5 * MiB;
      // Phase 1: parts 4 and later are held by the proxy, so exactly parts 1-3 are acknowledged.
      const p1 = await startFaultProxy({ target: serverEnv[name]!.endpoint, hold: (r) => r.partNumber !== undefined && r.partNumber >= 4 });
      let saved: UploadCheckpoint | undefined;
      const r1 = await runChild({ server: name, endpoint: p1.url, bucket, key, file, partSize, concurrency: 2, checkpoint }, (line, kill) => {
        if (line.part !== 3) return;
        void (async () => {
          const deadline = Date.now() + 30_000;
          while (Date.now() < deadline) {
            saved = await new FileCheckpointStore(checkpoint).load().catch(() => undefined);
            if (saved && saved.parts.length >= 3) break;
            await new Promise((r) => setTimeout(r, 20));
          }
          kill();
        })();
      });
      await p1.close();
      expect(r1.signal).toBe('SIGKILL');
      expect(saved?.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
      expect(await pendingUploads(store, bucket, key)).toHaveLength(1);

      // Phase 2: a fresh process resumes through a recording proxy.
      const p2 = await startFaultProxy({ target: serverEnv[name]!.endpoint });
      const r2 = await runChild({ server: name, endpoint: p2.url, bucket, key, file, partSize, concurrency: 2, checkpoint, resume: true });
      await p2.close();
      expect(r2.lines.at(-1), JSON.stringify(r2.lines.at(-1))).toMatchObject({ done: { parts: 9, size: data.length } });
      const sentParts = p2.log.filter((r) => r.method === 'PUT' && r.partNumber !== undefined).map((r) => r.partNumber!);
      expect([...new Set(sentParts)].sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9]);
      expect(p2.log.some((r) => r.method === 'POST' && r.query.has('uploads'))).toBe(false);
      expect(sha256(await readAll(download(store, bucket, key).stream()))).toBe(sha256(data));
      expect(await pendingUploads(store, bucket, key)).toEqual([]);
      expect(await new FileCheckpointStore(checkpoint).load()).toBeUndefined();
    });
  });
}
