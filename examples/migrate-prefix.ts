/**
 * Migrate a prefix from one provider to another: every object under
 * `from-bucket/prefix` of the source store is copied to the target store,
 * streamed through @stowage/transfer (the source read pinned to its version
 * and verified against its ETag, the target written with per-part checksums),
 * a few objects at a time. Content type and metadata travel with the object.
 *
 *   pnpm --filter examples migrate-prefix <from-url> <to-url> <from-bucket/prefix> <to-bucket/prefix>
 *   pnpm --filter examples migrate-prefix          # a demo between two in-memory stores
 */
import { copy } from '@stowage/transfer';
import { describeUrl, mib, openFromConfig } from './lib/open.js';

const [fromUrl, toUrl, fromPath, toPath] = process.argv.slice(2);
const demo = fromUrl === undefined;
const { store: source } = await openFromConfig(fromUrl ?? 'memory://');
const { store: target } = await openFromConfig(toUrl ?? 'memory://');
const split = (p: string) => {
  const i = p.indexOf('/');
  return i === -1 ? { bucket: p, prefix: '' } : { bucket: p.slice(0, i), prefix: p.slice(i + 1) };
};
const from = split(fromPath ?? 'legacy/reports/');
const to = split(toPath ?? 'archive/reports-2025/');

if (demo) {
  await source.createBucket(from.bucket);
  await target.createBucket(to.bucket);
  for (let i = 0; i < 12; i++) {
    const body = Buffer.alloc(i === 0 ? 20 * 1024 * 1024 : 1000 + i, i);
    await source.put(from.bucket, `${from.prefix}q${(i % 4) + 1}/report-${i}.csv`, body, { contentType: 'text/csv', metadata: { department: i % 2 ? 'finance' : 'sales' } });
  }
  console.log(`demo: 12 objects under ${from.bucket}/${from.prefix} in one memory store, copied to another`);
} else {
  console.log(`migrating ${describeUrl(fromUrl!)} ${fromPath} → ${describeUrl(toUrl!)} ${toPath}`);
}

const keys: string[] = [];
for await (const o of source.list(from.bucket, { prefix: from.prefix || undefined })) keys.push(o.key);
let bytes = 0;
let next = 0;
const started = performance.now();
const worker = async () => {
  while (next < keys.length) {
    const key = keys[next++]!;
    const destination = `${to.prefix}${key.slice(from.prefix.length)}`;
    const r = await copy({ store: source, bucket: from.bucket, key }, { store: target, bucket: to.bucket, key: destination });
    bytes += r.size;
    console.log(`  ${key} → ${destination} (${r.size} bytes, ${r.mode}, source ${r.source.verified ? 'verified' : 'not verifiable'})`);
  }
};
await Promise.all([worker(), worker(), worker()]);
console.log(`migrated ${keys.length} objects, ${mib(bytes)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

// verify: the same keys and sizes on both sides
const sizes = new Map<string, number>();
for await (const o of source.list(from.bucket, { prefix: from.prefix || undefined })) sizes.set(o.key.slice(from.prefix.length), o.size);
let checked = 0;
for await (const o of target.list(to.bucket, { prefix: to.prefix || undefined })) {
  const rel = o.key.slice(to.prefix.length);
  if (sizes.get(rel) !== o.size) throw new Error(`${rel}: ${o.size} bytes on the target, ${sizes.get(rel)} on the source`);
  checked++;
}
if (checked !== keys.length) throw new Error(`${checked} objects on the target, ${keys.length} on the source`);
console.log(`checked: ${checked} keys and sizes match`);
await source.close();
await target.close();
