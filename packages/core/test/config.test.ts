import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, openStore, parseStoreUrl, s3Capabilities, type ProviderModule } from '../src/index.js';

const fakeModule: ProviderModule = {
  createDriver: (config) => ({
    provider: config.provider,
    capabilities: s3Capabilities(),
    native: () => config,
  }) as never,
};

describe('config loading', () => {
  it('parses store URLs into provider configs', () => {
    expect(parseStoreUrl('memory://')).toEqual({ provider: 'memory' });
    expect(parseStoreUrl('s3://?endpoint=http://127.0.0.1:7480&region=us-east-1&forcePathStyle=true')).toEqual({
      provider: 's3',
      endpoint: 'http://127.0.0.1:7480',
      region: 'us-east-1',
      forcePathStyle: true,
    });
    expect(parseStoreUrl('minio://ak:s%2Fk@127.0.0.1:9000/bucket?useSSL=false')).toEqual({
      provider: 'minio',
      host: '127.0.0.1',
      port: 9000,
      accessKeyId: 'ak',
      secretAccessKey: 's/k',
      bucket: 'bucket',
      useSSL: false,
    });
    expect(() => parseStoreUrl('not a url')).toThrow(InvalidArgumentError);
  });
  it('opens a store through a provider module, from a config or STOWAGE_URL', async () => {
    const store = await openStore({ provider: 'memory', x: 1 }, { modules: { memory: fakeModule } });
    expect(store.provider).toBe('memory');
    expect(store.unwrap<{ x: number }>().x).toBe(1);
    process.env.STOWAGE_URL = 'memory://?x=2';
    try {
      const fromEnv = await openStore(undefined, { modules: { memory: fakeModule } });
      expect(fromEnv.unwrap<{ x: number }>().x).toBe(2);
    } finally {
      delete process.env.STOWAGE_URL;
    }
  });
  it('loads a built-in provider by its package name (here @stowage/mediastore, whose own config check then answers)', async () => {
    // Every built-in package is in this workspace now; a missing one gets the "not installed … pnpm add" message below.
    await expect(openStore('mediastore://', { resolveFrom: '/nonexistent' })).rejects.toMatchObject({ code: 'InvalidArgument', field: 'config.endpoint' });
  });
  it('refuses unknown providers and third-party packages that are not allow-listed', async () => {
    await expect(openStore({ provider: 'left-pad' })).rejects.toThrow(/allowProviders/);
    await expect(openStore({ provider: '../../evil.js' })).rejects.toThrow(/unknown provider/);
    await expect(openStore({ provider: '' })).rejects.toMatchObject({ field: 'provider' });
    await expect(openStore(undefined)).rejects.toMatchObject({ field: 'config' });
  });
  it('loads an allow-listed third-party package, and says so when it is missing', async () => {
    await expect(openStore({ provider: 'stowage-provider-acme' }, { allowProviders: ['stowage-provider-acme'] })).rejects.toThrow(/stowage-provider-acme.*not installed.*pnpm add stowage-provider-acme/);
  });
});
