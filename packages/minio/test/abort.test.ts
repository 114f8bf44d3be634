import { randomBytes } from 'node:crypto';
import { isStowageError } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MinioStore } from '../src/index.js';
import { bucketName, dropBucket, failure, storeFor } from './support/servers.js';

/**
 * The MinIO client takes no AbortSignal: the adapter aborts a call by
 * destroying the sockets its own agent gave that call. A generous bound (not a
 * timing assertion): "promptly" is well under it, a hang is far over it.
 */
const PROMPT_MS = 3000;
const OBJECT_BYTES = 48 * 1024 * 1024;

const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('abort', () => {
  let store: MinioStore;
  let bucket: string;
  let handlesBefore: number;

  beforeAll(async () => {
    handlesBefore = tcpHandles();
    store = storeFor('minio');
    bucket = bucketName('abort');
    await store.createBucket(bucket);
    await store.put(bucket, 'big', randomBytes(OBJECT_BYTES));
  });

  afterAll(async () => {
    await dropBucket(store, bucket);
    await store.close();
  });

  it('a long GET read slowly stops promptly when aborted, and its socket is destroyed', async () => {
    const controller = new AbortController();
    const { body } = await store.get(bucket, 'big', { signal: controller.signal });
    const agent = store.minio.transport.agent;
    const reader = body.stream().getReader();
    let read = 0;
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return 'ended';
        read += value.length;
        await sleep(20); // a slow consumer: the server is held back by TCP backpressure
      }
    })();
    await sleep(300);
    const socketsWhileReading = Object.values(agent.sockets).flat().length;
    expect(socketsWhileReading).toBeGreaterThan(0);
    const t0 = performance.now();
    controller.abort();
    const e = await reading.then(
      () => undefined,
      (x: unknown) => x,
    );
    const stoppedAfter = performance.now() - t0;
    expect(isStowageError(e, 'Aborted')).toBe(true);
    expect(stoppedAfter).toBeLessThan(PROMPT_MS);
    expect(read).toBeLessThan(OBJECT_BYTES);
    await sleep(50);
    const stillOpen = Object.values(agent.sockets).flat().filter((s) => s && !s.destroyed).length;
    expect(stillOpen).toBe(0);
  });

  it('a long PUT (a body trickling in) stops promptly when aborted: request destroyed, source cancelled', async () => {
    const controller = new AbortController();
    let cancelled = false;
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024);
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        await sleep(10);
        sent += chunk.length;
        c.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const putting = store.put(bucket, 'slow-put', body, { contentLength: 1024 * 1024 * 1024, signal: controller.signal });
    await sleep(500);
    expect(sent).toBeGreaterThan(0);
    const t0 = performance.now();
    controller.abort();
    const e = await failure(putting);
    expect(performance.now() - t0).toBeLessThan(PROMPT_MS);
    expect(e.code).toBe('Aborted');
    await sleep(50);
    expect(cancelled).toBe(true);
    const agent = store.minio.transport.agent;
    expect(Object.values(agent.sockets).flat().filter((s) => s && !s.destroyed).length).toBe(0);
    expect((await failure(store.head(bucket, 'slow-put'))).code).toBe('ObjectNotFound');
  });

  it('aborting one call leaves another call on the same store untouched', async () => {
    const slow = new AbortController();
    const a = await store.get(bucket, 'big', { signal: slow.signal });
    const readerA = a.body.stream().getReader();
    await readerA.read();
    const b = store.getBytes(bucket, 'big', { range: { offset: 0, length: 8 * 1024 * 1024 } });
    slow.abort();
    await expect(readerA.read()).rejects.toMatchObject({ code: 'Aborted' });
    expect((await b).length).toBe(8 * 1024 * 1024);
  });

  it('an already-aborted signal makes no request at all', async () => {
    const e = await failure(store.head(bucket, 'big', { signal: AbortSignal.abort() }));
    expect(e.code).toBe('Aborted');
  });

  it('an abort while a request waits for its answer (a listing) rejects at once', async () => {
    const controller = new AbortController();
    const listing = store.listPage(bucket, { signal: controller.signal });
    controller.abort();
    expect((await failure(listing)).code).toBe('Aborted');
  });

  it('leaves no open sockets once the store is closed', async () => {
    const other = storeFor('minio');
    await other.head(bucket, 'big');
    await other.close();
    await store.close();
    await sleep(100);
    expect(tcpHandles()).toBeLessThanOrEqual(handlesBefore);
    store = storeFor('minio'); // for afterAll
  });
});
