import { hasCapability, openStore, parseStoreUrl } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { createDriver, MINIO_FEATURE_PROFILES, MinioDriver, resolveConfig } from '../src/index.js';
import { configFor, serversEnv } from './support/servers.js';

describe('config', () => {
  it('takes the MinIO client names, with its defaults (TLS on, path style, port from TLS)', () => {
    const c = resolveConfig({ endPoint: 'play.example.com', accessKey: 'ak', secretKey: 'sk' });
    expect(c).toMatchObject({ endPoint: 'play.example.com', port: 443, useSSL: true, pathStyle: true, region: undefined, serverProfile: 'minio', rejectUnauthorized: true });
    expect(resolveConfig({ endPoint: 'h', useSSL: false }).port).toBe(80);
  });

  it('takes one endpoint URL, and the URL form of openStore', () => {
    expect(resolveConfig({ endpoint: 'https://127.0.0.1:9443' })).toMatchObject({ endPoint: '127.0.0.1', port: 9443, useSSL: true });
    const fromUrl = parseStoreUrl('minio://ak:sk%2Fx@127.0.0.1:9000?useSSL=false&region=us-east-1');
    expect(resolveConfig(fromUrl)).toMatchObject({ endPoint: '127.0.0.1', port: 9000, useSSL: false, accessKey: 'ak', secretKey: 'sk/x', region: 'us-east-1' });
  });

  it('refuses unknown settings, half credentials, a proxy with an agent, an unreadable CA', () => {
    expect(() => resolveConfig({ endPoint: 'h', endpointt: 'x' })).toThrow(/config\.endpointt/);
    expect(() => resolveConfig({ endPoint: 'h', accessKey: 'a' })).toThrow(/go together/);
    expect(() => resolveConfig({ endPoint: 'h', proxy: 'socks5://x' })).toThrow(/CONNECT proxy/);
    expect(() => resolveConfig({ endPoint: 'h', caFile: '/nonexistent/ca.pem' })).toThrow(/caFile/);
    expect(() => resolveConfig({})).toThrow(/endPoint/);
    expect(() => resolveConfig({ endPoint: 'h', serverProfile: 'nope' })).toThrow(/serverProfile/);
  });

  it('declares MinIO key rules as capabilities, so core refuses such keys before I/O', async () => {
    const d = new MinioDriver({ endpoint: 'http://127.0.0.1:1', accessKey: 'a', secretKey: 'b' });
    expect(d.capabilities.keyRules.map((r) => r.rule)).toEqual(['no-leading-slash', 'no-empty-segments', 'no-dot-segments', 'max-segment-bytes']);
    const { Store } = await import('@stowage/core');
    const store = new Store(d, { retry: false });
    for (const key of ['/lead', 'a//b', './x', 'a/../b', `seg/${'x'.repeat(256)}`]) {
      // port 1 refuses connections: an InvalidArgument (not a network error) proves no request was made
      await expect(store.put('bucket', key, 'x')).rejects.toMatchObject({ code: 'InvalidArgument' });
    }
  });

  it('declares the extensions as capabilities: SSE-C off without TLS, the MinIO-only ones off on Ceph', () => {
    const http = new MinioDriver({ endpoint: 'http://127.0.0.1:9000' });
    const https = new MinioDriver({ endpoint: 'https://127.0.0.1:9443' });
    const ceph = new MinioDriver({ endpoint: 'http://127.0.0.1:7480', serverProfile: 'ceph-rgw' });
    expect(hasCapability(http.capabilities, 'minio.sseC')).toBe(false);
    expect(hasCapability(https.capabilities, 'minio.sseC')).toBe(true);
    expect(hasCapability(ceph.capabilities, 'minio.listenBucketNotification')).toBe(false);
    expect(hasCapability(ceph.capabilities, 'minio.lifecycle')).toBe(true);
    expect(MINIO_FEATURE_PROFILES.minio.select).toBe(true);
    const overridden = new MinioDriver({ endpoint: 'http://127.0.0.1:9000', capabilities: { minio: { select: false }, listing: { maxPageSize: 100 } } });
    expect(overridden.capabilities.minio.select).toBe(false);
    expect(overridden.capabilities.listing.maxPageSize).toBe(100);
    expect(overridden.capabilities.listing.anyDelimiter).toBe(false);
  });

  it('refuses an encryption setting the endpoint cannot honour (SSE-C without TLS)', () => {
    expect(() => new MinioDriver({ endpoint: 'http://127.0.0.1:9000', encryption: { type: 'SSE-C', key: new Uint8Array(32) } })).toThrow(/minio\.sseC/);
    expect(() => new MinioDriver({ endpoint: 'https://127.0.0.1:9443', encryption: { type: 'SSE-C', key: new Uint8Array(31) } })).toThrow(/32-byte/);
    expect(new MinioDriver({ endpoint: 'https://127.0.0.1:9443', encryption: { type: 'SSE-C', key: new Uint8Array(32) } }).encryption?.type).toBe('SSE-C');
  });

  it('openStore loads the adapter by provider name and redacts its secrets', async () => {
    const m = serversEnv().minio;
    const url = new URL(m.endpoint);
    const store = await openStore(`minio://${m.accessKeyId}:${encodeURIComponent(m.secretAccessKey)}@${url.host}?useSSL=false&region=${m.region}`, { retry: false });
    try {
      expect(store.provider).toBe('minio');
      const buckets = await store.listBuckets();
      expect(Array.isArray(buckets)).toBe(true);
      const e = await store.head('no-such-bucket-stowage-cfg', 'k').catch((x: unknown) => x as Error);
      expect(JSON.stringify(e)).not.toContain(m.secretAccessKey);
    } finally {
      await store.close();
    }
  });

  it('createDriver is the provider entry point', () => {
    const d = createDriver({ provider: 'minio', ...configFor('minio') });
    expect(d).toBeInstanceOf(MinioDriver);
    expect(d.server).toBe('minio');
  });
});
