import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore, parseStoreUrl, type Store, type StoreOptions } from '@stowage/core';

/** This folder: adapter packages are resolved from here (examples/node_modules). */
const here = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The store an example works on: the URL given as `arg` (a command-line
 * argument), else `STOWAGE_URL`, else the in-memory store. Swapping backends
 * is changing this one string, e.g.
 * `s3://?endpoint=http://127.0.0.1:7480&accessKeyId=…&secretAccessKey=…&serverProfile=ceph-rgw`.
 * The URL's first path segment, when there is one, is the bucket to work in
 * (`mediastore://host:port/container?…`).
 */
export async function openFromConfig(arg: string | undefined, options: StoreOptions = {}): Promise<{ store: Store; url: string; bucket: string | undefined }> {
  const url = arg ?? process.env.STOWAGE_URL ?? 'memory://';
  const store = await openStore(url, { ...options, resolveFrom: here });
  return { store, url, bucket: parseStoreUrl(url).bucket as string | undefined };
}

/** The URL without its secrets, for logs. */
export function describeUrl(url: string): string {
  return url.replace(/(secretAccessKey|sessionToken|apiKey)=[^&]*/gi, '$1=…').replace(/\/\/[^/@?]*:[^/@?]*@/, '//…@');
}

/** Bytes for humans. */
export function mib(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
