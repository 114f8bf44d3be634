import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  CursorCodec,
  InvalidArgumentError,
  InvalidRangeError,
  NotSupportedError,
  Store,
  ThrottledError,
  AccessDeniedError,
  type OperationEvent,
} from '../src/index.js';
import { ScriptedDriver } from './support/scripted-driver.js';

const noJitter = { random: () => 1, baseDelayMs: 1 };

describe('validation happens before any I/O', () => {
  it('a bad key, bucket, range or metadata sends nothing', async () => {
    const driver = new ScriptedDriver();
    const store = new Store(driver);
    await expect(store.put('Bad_Bucket', 'k', 'x')).rejects.toMatchObject({ code: 'InvalidArgument', field: 'bucket' });
    await expect(store.put('bucket', '', 'x')).rejects.toMatchObject({ field: 'key' });
    await expect(store.put('bucket', 'k', 'x', { metadata: { 'bad name': 'v' } })).rejects.toMatchObject({ field: 'metadata.bad name' });
    await expect(store.get('bucket', 'k', { range: { offset: -1 } })).rejects.toMatchObject({ field: 'range.offset' });
    await expect(store.put('bucket', 'k', 'x', { retention: { mode: 'GOVERNANCE', retainUntil: new Date(0) } })).rejects.toMatchObject({ field: 'retention.retainUntil' });
    await expect(store.uploadPart({ bucket: 'bucket', key: 'k', uploadId: 'u' }, 0, 'x')).rejects.toMatchObject({ field: 'partNumber' });
    expect(driver.calls).toEqual([]);
  });
  it('an operation the backend lacks is NotSupported, naming the capability', async () => {
    const driver = new ScriptedDriver({ versioning: false, presign: null, objectLock: null });
    const store = new Store(driver);
    await expect(store.getVersioning('bucket')).rejects.toMatchObject({ code: 'NotSupported', capability: 'versioning' });
    await expect(store.presign('bucket', 'k', { method: 'GET' })).rejects.toBeInstanceOf(NotSupportedError);
    await expect(store.setLegalHold('bucket', 'k', true)).rejects.toMatchObject({ capability: 'objectLock.legalHold' });
    expect(driver.calls).toEqual([]);
  });
  it('multi-character delimiters need the capability', async () => {
    const store = new Store(new ScriptedDriver({ listing: { anyDelimiter: false, startAfter: true, utf8Order: true, maxPageSize: 1000 } }));
    await expect(store.listPage('bucket', { delimiter: '::' })).rejects.toMatchObject({ capability: 'listing.anyDelimiter' });
  });
});

describe('ranges', () => {
  it('detects a 200 answer to a ranged GET and delivers only the range', async () => {
    const driver = new ScriptedDriver();
    const store = new Store(driver);
    await store.put('bucket', 'k', '0123456789');
    driver.ignoreRanges = true;
    const result = await store.get('bucket', 'k', { range: { offset: 2, length: 3 } });
    expect(await result.body.text()).toBe('234');
    expect(result.range).toEqual({ start: 2, end: 4 });
    const suffix = await store.get('bucket', 'k', { range: { suffix: 2 } });
    expect(await suffix.body.text()).toBe('89');
  });
  it('a zero-length read never goes to the wire as a GET', async () => {
    const driver = new ScriptedDriver();
    const store = new Store(driver);
    await store.put('bucket', 'k', '0123456789');
    const result = await store.get('bucket', 'k', { range: { offset: 4, length: 0 } });
    expect(await result.body.bytes()).toHaveLength(0);
    expect(driver.count('getObject')).toBe(0);
    await expect(store.get('bucket', 'k', { range: { offset: 10, length: 0 } })).rejects.toBeInstanceOf(InvalidRangeError);
  });
  it('suffix ranges are emulated with a HEAD where the backend lacks them', async () => {
    const driver = new ScriptedDriver({ suffixRange: false });
    const store = new Store(driver);
    await store.put('bucket', 'k', '0123456789');
    const r = await store.get('bucket', 'k', { range: { suffix: 3 } });
    expect(await r.body.text()).toBe('789');
    const get = driver.calls.find((c) => c.op === 'getObject')!;
    expect(get.req.range).toEqual({ offset: 7, length: 3 });
  });
});

describe('bodies', () => {
  it('accepts bytes, strings, Blobs, web streams, Node streams and async iterables', async () => {
    const store = new Store(new ScriptedDriver({ unknownLengthPut: true }));
    const inputs = [
      new TextEncoder().encode('hello'),
      'hello',
      new Blob(['hel', 'lo']),
      new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('hello')), c.close()) }),
      Readable.from([Buffer.from('he'), Buffer.from('llo')]),
      (async function* () {
        yield new TextEncoder().encode('hel');
        yield new TextEncoder().encode('lo');
      })(),
    ];
    for (const [i, body] of inputs.entries()) {
      await store.put('bucket', `k${i}`, body as never);
      expect(await store.getBytes('bucket', `k${i}`).then((b) => Buffer.from(b).toString())).toBe('hello');
    }
  });
  it('an unknown-length stream goes multipart past the buffer bound when the backend needs a length', async () => {
    const driver = new ScriptedDriver({ unknownLengthPut: false, multipart: { minPartSize: 4, maxPartSize: 1 << 20, maxParts: 10000, listPartsPagination: true } });
    const store = new Store(driver, { unknownLengthBufferBytes: 4 });
    const chunks = ['abc', 'def', 'ghi', 'jk'];
    await store.put('bucket', 'big', Readable.from(chunks.map((c) => Buffer.from(c))), { metadata: { note: 'ü' } });
    expect(driver.count('putObject')).toBe(0);
    expect(driver.count('uploadPart')).toBe(3);
    expect(Buffer.from(await store.getBytes('bucket', 'big')).toString()).toBe('abcdefghijk');
    const create = driver.calls.find((c) => c.op === 'createMultipartUpload')!;
    expect(create.req.metadata).toEqual({ note: '=?UTF-8?B?w7w=?=' });
    // a short stream is buffered and sent as one put with its length
    await store.put('bucket', 'small', Readable.from([Buffer.from('ab')]));
    const put = driver.calls.find((c) => c.op === 'putObject')!;
    expect(put.req.contentLength).toBe(2);
  });
  it('an unread body can be released with await using / cancel()', async () => {
    const store = new Store(new ScriptedDriver());
    await store.put('bucket', 'k', 'data');
    const r = await store.get('bucket', 'k');
    await r.body.cancel();
    expect(() => r.body.stream()).toThrow(/consumed/);
  });
});

describe('retry layer', () => {
  it('retries a retryable error and succeeds on the third attempt', async () => {
    const driver = new ScriptedDriver();
    driver.before = (op, n) => {
      if (op === 'headObject' && n <= 2) throw new ThrottledError('SlowDown');
    };
    const events: string[] = [];
    const store = new Store(driver, {
      retry: noJitter,
      hooks: {
        onRequest: (e: OperationEvent) => events.push(`req:${e.attempt}`),
        onRetry: (e) => events.push(`retry:${e.error.code}`),
        onResponse: (e) => events.push(`res:${e.error?.code ?? 'ok'}`),
      },
    });
    await store.put('bucket', 'k', 'x');
    events.length = 0;
    const info = await store.head('bucket', 'k');
    expect(info.size).toBe(1);
    expect(driver.count('headObject')).toBe(3);
    expect(events).toEqual(['req:1', 'res:Throttled', 'retry:Throttled', 'req:2', 'res:Throttled', 'retry:Throttled', 'req:3', 'res:ok']);
  });
  it('does not retry a non-retryable error', async () => {
    const driver = new ScriptedDriver();
    driver.before = (op) => {
      if (op === 'headObject') throw new AccessDeniedError();
    };
    const store = new Store(driver, { retry: noJitter });
    await expect(store.head('bucket', 'k')).rejects.toBeInstanceOf(AccessDeniedError);
    expect(driver.count('headObject')).toBe(1);
  });
  it('gives up after maxAttempts with the last error', async () => {
    const driver = new ScriptedDriver();
    driver.before = (op) => {
      if (op === 'headObject') throw new ThrottledError();
    };
    const store = new Store(driver, { retry: { ...noJitter, maxAttempts: 4 } });
    await expect(store.head('bucket', 'k')).rejects.toBeInstanceOf(ThrottledError);
    expect(driver.count('headObject')).toBe(4);
  });
  it('an abort mid-backoff ends the call at once with AbortedError', async () => {
    const driver = new ScriptedDriver();
    driver.before = (op) => {
      if (op === 'headObject') throw new ThrottledError();
    };
    const store = new Store(driver, { retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1, maxAttempts: 5 } });
    const controller = new AbortController();
    const started = Date.now();
    const pending = store.head('bucket', 'k', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(driver.count('headObject')).toBe(1);
  });
  it('a one-shot stream body is not retried (it cannot be replayed); bytes are', async () => {
    const driver = new ScriptedDriver({ unknownLengthPut: true });
    let fail = 0;
    driver.before = (op) => {
      if (op === 'putObject' && fail++ === 0) throw new ThrottledError();
    };
    const store = new Store(driver, { retry: noJitter });
    await expect(store.put('bucket', 'k', Readable.from([Buffer.from('x')]))).rejects.toBeInstanceOf(ThrottledError);
    expect(driver.count('putObject')).toBe(1);
    fail = 0;
    await store.put('bucket', 'k', 'bytes');
    expect(driver.count('putObject')).toBe(3);
  });
  it('a per-attempt timeout is a retryable TimeoutError', async () => {
    const driver = new ScriptedDriver();
    driver.before = (op, n) =>
      op === 'headObject' && n === 1 ? new Promise<void>((resolve) => setTimeout(resolve, 500)) : undefined;
    const store = new Store(driver, { retry: { ...noJitter, attemptTimeoutMs: 50 } });
    await store.put('bucket', 'k', 'x');
    await expect(store.head('bucket', 'k')).resolves.toMatchObject({ size: 1 });
    expect(driver.count('headObject')).toBe(2);
  });
});

describe('cursors', () => {
  async function filled() {
    const driver = new ScriptedDriver();
    const store = new Store(driver, { cursorKey: 'shared-secret' });
    for (const k of ['a', 'b', 'c', 'd', 'e']) await store.put('bucket', k, k);
    return { driver, store };
  }
  it('are opaque, resumable in a fresh Store that shares the key, and bound to their listing', async () => {
    const { driver, store } = await filled();
    const first = await store.listPage('bucket', { pageSize: 2 });
    expect(first.objects.map((o) => o.key)).toEqual(['a', 'b']);
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const fresh = new Store(driver, { cursorKey: 'shared-secret' });
    const second = await fresh.listPage('bucket', { pageSize: 2, cursor: first.nextCursor });
    expect(second.objects.map((o) => o.key)).toEqual(['c', 'd']);
    await expect(fresh.listPage('bucket', { prefix: 'x', cursor: first.nextCursor })).rejects.toMatchObject({ field: 'cursor' });
    const otherKey = new Store(driver, { cursorKey: 'another-secret' });
    await expect(otherKey.listPage('bucket', { cursor: first.nextCursor })).rejects.toMatchObject({ field: 'cursor' });
  });
  it('any altered byte is rejected as InvalidArgument on cursor', async () => {
    const { store } = await filled();
    const { nextCursor } = await store.listPage('bucket', { pageSize: 1 });
    const cursor = nextCursor!;
    for (let i = 0; i < cursor.length; i++) {
      const replacement = cursor[i] === 'A' ? 'B' : 'A';
      const tampered = cursor.slice(0, i) + replacement + cursor.slice(i + 1);
      await expect(store.listPage('bucket', { pageSize: 1, cursor: tampered })).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    await expect(store.listPage('bucket', { cursor: 'garbage' })).rejects.toMatchObject({ field: 'cursor' });
  });
  it('the async iterator walks every page', async () => {
    const { store } = await filled();
    const keys: string[] = [];
    for await (const o of store.list('bucket', { pageSize: 2 })) keys.push(o.key);
    expect(keys).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
  it('the codec binds payload fields', () => {
    const codec = new CursorCodec('k');
    const c = codec.encode({ o: 'list', b: 'x', t: 'tok' });
    expect(codec.decode(c, { o: 'list', b: 'x' }).t).toBe('tok');
    expect(() => codec.decode(c, { o: 'list', b: 'y' })).toThrow(InvalidArgumentError);
  });
});

describe('error normalisation', () => {
  it('a socket reset from a driver or a body becomes a retryable TransientError', async () => {
    const driver = new ScriptedDriver();
    let resets = 0;
    driver.before = (op) => {
      if (op === 'headObject' && resets++ === 0) throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    };
    const store = new Store(driver, { retry: noJitter });
    await store.put('bucket', 'k', 'x');
    await expect(store.head('bucket', 'k')).resolves.toMatchObject({ size: 1 });
    expect(driver.count('headObject')).toBe(2);
    const normalized = store.normalize(new Error('socket hang up'));
    expect(normalized).toMatchObject({ code: 'Transient', retryable: true, provider: 'scripted' });
    expect(store.normalize(new Error('something else'))).toMatchObject({ code: 'ProviderError', retryable: false });
  });
});
