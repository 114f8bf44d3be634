import { readFileSync } from 'node:fs';
import { isStowageError, type StowageError } from '@stowage/core';
import { createS3Store, S3Driver, type S3Store, type S3StoreConfig, type ServerProfile } from '../../src/index.js';
import { ENV_JSON } from './global-setup.js';

export interface ServerEnv {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  otherAccessKeyId?: string;
  otherSecretAccessKey?: string;
  server: string;
}

export type ServerName = 'ceph' | 'minio';
export const SERVERS: readonly ServerName[] = ['ceph', 'minio'];
export const PROFILE: Record<ServerName, ServerProfile> = { ceph: 'ceph-rgw', minio: 'minio' };

export function serverEnv(name: ServerName): ServerEnv {
  const env = JSON.parse(readFileSync(ENV_JSON, 'utf8')) as Record<string, ServerEnv>;
  const e = env[name];
  if (!e) throw new Error(`${ENV_JSON} has no ${name} server (run bash scripts/servers/up.sh)`);
  return e;
}

/** The plain config object the conformance targets s3@ceph / s3@minio would use. */
export function serverConfig(name: ServerName, extra: Partial<S3StoreConfig> = {}): S3StoreConfig {
  const e = serverEnv(name);
  return {
    endpoint: e.endpoint,
    region: e.region,
    forcePathStyle: true,
    credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey },
    serverProfile: PROFILE[name],
    ...extra,
  };
}

export function storeFor(name: ServerName, extra: Partial<S3StoreConfig> = {}): S3Store {
  return createS3Store(serverConfig(name, extra), { retry: { maxAttempts: 2, baseDelayMs: 50 } });
}

export function driverFor(name: ServerName, extra: Partial<S3StoreConfig> = {}): S3Driver {
  return new S3Driver(serverConfig(name, extra));
}

let counter = 0;
/** A fresh bucket name: lower-case, unique per run and per call. */
export function bucketName(prefix: string): string {
  return `s3t-${prefix}-${Date.now().toString(36)}-${process.pid.toString(36)}-${(counter++).toString(36)}`.slice(0, 63);
}

/** Empties (every version, with governance bypass) and deletes a bucket; best effort. */
export async function dropBucket(store: S3Store, bucket: string): Promise<void> {
  try {
    for (;;) {
      const uploads = await store.listUploads(bucket);
      for (const u of uploads.uploads) await store.abortMultipartUpload(u).catch(() => {});
      const entries: { key: string; versionId?: string }[] = [];
      if (store.capabilities.listVersions) {
        for await (const v of store.listVersions(bucket)) entries.push({ key: v.key, versionId: v.versionId });
      } else {
        for await (const o of store.list(bucket)) entries.push({ key: o.key });
      }
      if (entries.length === 0) break;
      const results = await store.deleteMany(bucket, entries, { bypassGovernanceRetention: true });
      if (results.every((r) => !r.deleted)) break;
    }
    await store.deleteBucket(bucket);
  } catch {
    // a COMPLIANCE-locked version outlives the test: leave the bucket
  }
}

/** Runs `fn`, expecting a Stowage error; returns it. */
export async function failure(fn: () => Promise<unknown>): Promise<StowageError> {
  try {
    await fn();
  } catch (e) {
    if (isStowageError(e)) return e;
    throw e;
  }
  throw new Error('expected a failure, the call succeeded');
}

export const utf8 = new TextEncoder();

export function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < chunks.length) c.enqueue(chunks[i++]!);
      else c.close();
    },
  });
}
