import { describe, expect, it } from 'vitest';
import { isStowageError, Store, TransientError, type OperationEvent } from '../src/index.js';
import { ScriptedDriver } from './support/scripted-driver.js';

describe('per-call hooks', () => {
  it('run after the store hooks, for that call only', async () => {
    const driver = new ScriptedDriver();
    const order: string[] = [];
    const store = new Store(driver, { retry: { baseDelayMs: 1 }, hooks: { onRetry: () => order.push('store') } });
    driver.before = (op, attempt) => {
      if (op === 'putObject' && attempt === 1) throw new TransientError('reset');
    };
    const seen: OperationEvent[] = [];
    await store.put('bucket-a', 'k', 'x', { hooks: { onRetry: (e) => (order.push('call'), seen.push(e)) } });
    expect(order).toEqual(['store', 'call']);
    expect(seen[0]).toMatchObject({ operation: 'putObject', attempt: 1 });
    // another call without hooks: only the store's run
    let failed = false;
    driver.before = (op) => {
      if (op === 'putObject' && !failed) {
        failed = true;
        throw new TransientError('reset');
      }
    };
    await store.put('bucket-a', 'k', 'y');
    expect(order).toEqual(['store', 'call', 'store']);
  });
});

describe('body checksums for the server to verify', () => {
  it('pass through to the driver when the capabilities list the algorithm', async () => {
    const driver = new ScriptedDriver({ checksums: ['md5', 'crc32'] });
    const store = new Store(driver);
    await store.put('bucket-a', 'k', 'x', { checksum: { algorithm: 'crc32', value: 'jLu9wA==' } });
    expect(driver.calls.at(-1)!.req.checksum).toEqual({ algorithm: 'crc32', value: 'jLu9wA==' });
    const up = await store.createMultipartUpload('bucket-a', 'k');
    await store.uploadPart(up, 1, new Uint8Array(10), { checksum: { algorithm: 'crc32', value: 'AAAAAA==' } });
    expect(driver.calls.at(-1)).toMatchObject({ op: 'uploadPart', req: { checksum: { algorithm: 'crc32', value: 'AAAAAA==' } } });
  });

  it('are refused before I/O when the server does not verify them, or malformed', async () => {
    const driver = new ScriptedDriver({ checksums: ['md5'] });
    const store = new Store(driver);
    const err = await store.put('bucket-a', 'k', 'x', { checksum: { algorithm: 'crc32c', value: 'AAAAAA==' } }).catch((e) => e);
    expect(isStowageError(err, 'NotSupported')).toBe(true);
    expect(err.capability).toBe('checksums.crc32c');
    await expect(store.put('bucket-a', 'k', 'x', { checksum: { algorithm: 'md5' as never, value: 'AAAAAA==' } })).rejects.toThrow();
    await expect(store.put('bucket-a', 'k', 'x', { checksum: { algorithm: 'crc32c', value: 'not base64!' } })).rejects.toThrow(/checksum/);
    expect(driver.count('putObject')).toBe(0);
  });
});
