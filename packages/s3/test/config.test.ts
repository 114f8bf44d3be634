import { openStore, parseStoreUrl } from '@stowage/core';
import { afterAll, describe, expect, it } from 'vitest';
import * as s3 from '../src/index.js';
import { createDriver, resolveConfig, S3Driver, S3Store } from '../src/index.js';
import { bucketName, dropBucket, failure, serverEnv, SERVERS, storeFor, type ServerName } from './support/servers.js';

describe('config', () => {
  it('defaults: AWS without an endpoint, generic S3-compatible with one', () => {
    const aws = resolveConfig({});
    expect(aws).toMatchObject({ serverProfile: 'aws', forcePathStyle: false, requestChecksumCalculation: 'WHEN_SUPPORTED', responseChecksumValidation: 'WHEN_SUPPORTED', contentMd5: false, disableHostPrefix: false, region: undefined });
    const other = resolveConfig({ endpoint: 'http://127.0.0.1:7480' });
    expect(other).toMatchObject({ serverProfile: 'generic', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', contentMd5: true, disableHostPrefix: true, region: 'us-east-1' });
    expect(resolveConfig({ endpoint: 'https://s3.eu-west-1.amazonaws.com' }).serverProfile).toBe('aws');
    expect(resolveConfig({ serverProfile: 'minio', endpoint: 'http://x:9000' }).serverProfile).toBe('minio');
    expect(resolveConfig({ serverProfile: 'aws', endpoint: 'http://x:9000', requestChecksumCalculation: 'when_required' }).requestChecksumCalculation).toBe('WHEN_REQUIRED');
  });

  it('a URL-parsed config is coerced (strings, numbers, booleans, host + port)', () => {
    const parsed = parseStoreUrl('s3://127.0.0.1:7480?useSSL=false&region=us-east-1&forcePathStyle=true&accessKeyId=12345&secretAccessKey=s3cr3t-value&serverProfile=ceph-rgw&contentMd5=false');
    const r = resolveConfig(parsed);
    expect(r).toMatchObject({ endpoint: 'http://127.0.0.1:7480', region: 'us-east-1', forcePathStyle: true, serverProfile: 'ceph-rgw', contentMd5: false, credentials: { accessKeyId: '12345', secretAccessKey: 's3cr3t-value' } });
    const strings = resolveConfig({ endpoint: 'http://h:1', forcePathStyle: 'false', disableHostPrefix: '0', port: '9000' } as never);
    expect(strings).toMatchObject({ forcePathStyle: false, disableHostPrefix: false });
  });

  it('refuses bad settings with the field named', async () => {
    for (const [config, field] of [
      [{ endpoint: 'not a url' }, 'config.endpoint'],
      [{ endpoint: 'ftp://x' }, 'config.endpoint'],
      [{ endpoint: 'http://user:pw@x' }, 'config.endpoint'],
      [{ serverProfile: 'seaweed' }, 'config.serverProfile'],
      [{ accessKeyId: 'a' }, 'config.secretAccessKey'],
      [{ sessionToken: 't' }, 'config.sessionToken'],
      [{ requestPayer: 'owner' }, 'config.requestPayer'],
      [{ forcePathStyle: 'maybe' }, 'config.forcePathStyle'],
      [{ requestChecksumCalculation: 'ALWAYS' }, 'config.requestChecksumCalculation'],
      [{ endpont: 'http://typo' }, 'config.endpont'],
    ] as const) {
      const e = await failure(async () => resolveConfig(config as never));
      expect(e).toMatchObject({ code: 'InvalidArgument', field });
    }
  });

  it('createDriver returns an S3Driver; createS3Store an S3Store (a core Store)', async () => {
    const d = createDriver({ provider: 's3', endpoint: 'http://127.0.0.1:1', accessKeyId: 'a', secretAccessKey: 'secret-value' });
    expect(d).toBeInstanceOf(S3Driver);
    expect(d.provider).toBe('s3');
    expect(d.server).toBe('generic');
    expect((await d.native().config.region())).toBe('us-east-1');
    expect(await d.native().config.maxAttempts()).toBe(1);
    await d.close();
    const store = s3.createS3Store({ endpoint: 'http://127.0.0.1:1' });
    expect(store).toBeInstanceOf(S3Store);
    await store.close();
  });
});

describe.each(SERVERS)('openStore → createDriver on %s (what the conformance targets do)', (server: ServerName) => {
  const env = () => serverEnv(server);
  const cleanup: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
  });

  it('from a plain config object', async () => {
    const e = env();
    const store = await openStore(
      { provider: 's3', endpoint: e.endpoint, region: e.region, forcePathStyle: true, accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey, serverProfile: server === 'ceph' ? 'ceph-rgw' : 'minio' },
      { modules: { s3 } },
    );
    cleanup.push(() => store.close());
    expect(store.provider).toBe('s3');
    expect(store.server).toBe(server === 'ceph' ? 'ceph-rgw' : 'minio');
    const b = bucketName(`open-${server}`);
    await store.createBucket(b);
    cleanup.push(() => dropBucket(storeFor(server), b));
    await store.put(b, 'k', 'via openStore');
    expect(await (await store.get(b, 'k')).body.text()).toBe('via openStore');
  });

  it('from a URL string', async () => {
    const e = env();
    const url = `s3://?endpoint=${encodeURIComponent(e.endpoint)}&region=${e.region}&forcePathStyle=true&accessKeyId=${encodeURIComponent(e.accessKeyId)}&secretAccessKey=${encodeURIComponent(e.secretAccessKey)}&serverProfile=${server === 'ceph' ? 'ceph-rgw' : 'minio'}`;
    const store = await openStore(url, { modules: { s3 } });
    cleanup.push(() => store.close());
    expect(Array.isArray(await store.listBuckets())).toBe(true);
    expect(store.capabilities.checksums).toEqual(server === 'ceph' ? ['md5'] : ['md5', 'crc32', 'crc32c', 'sha1', 'sha256']);
  });
});
