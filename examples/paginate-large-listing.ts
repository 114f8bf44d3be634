/**
 * Paginate a large listing: write N keys (default 2 500), walk them page by
 * page, stop half-way, and resume from the cursor in a *fresh* Store — as
 * another process would, which works because both use the same cursor key
 * (cursors are HMAC-protected: a tampered one is refused). Then a folder view
 * with the delimiter "/".
 *
 *   pnpm --filter examples paginate-large-listing [count] [store-url]
 */
import { isStowageError, Store } from '@stowage/core';
import { describeUrl, openFromConfig } from './lib/open.js';

const count = Number(process.argv[2] ?? 2500);
const cursorKey = 'examples-shared-cursor-key'; // in real life: a secret shared by the processes (or STOWAGE_CURSOR_KEY)
const { store, url, bucket: given } = await openFromConfig(process.argv[3], { cursorKey });
const bucket = given ?? `listing-${Date.now().toString(36)}`;
const prefix = given ? `paginate-${Date.now().toString(36)}/` : 'logs/';
if (store.capabilities.managedBuckets && !(await store.bucketExists(bucket))) await store.createBucket(bucket);
console.log(`writing ${count} keys under ${bucket}/${prefix} on ${describeUrl(url)}`);

const keys = Array.from({ length: count }, (_, i) => `${prefix}day-${String(i % 10).padStart(2, '0')}/event-${String(i).padStart(6, '0')}.json`);
for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => store.put(bucket, k, '{}', { contentType: 'application/json' })));

const pageSize = Math.min(1000, store.capabilities.listing.maxPageSize, Math.max(1, Math.ceil(count / 4)));
let seen = 0;
let cursor: string | undefined;
let page = 0;
for await (const p of store.listPages(bucket, { prefix, pageSize })) {
  page++;
  seen += p.objects.length;
  console.log(`page ${page}: ${p.objects.length} keys (${p.objects[0]?.key} … ${p.objects.at(-1)?.key})`);
  if (seen >= count / 2 && p.nextCursor) {
    cursor = p.nextCursor;
    break;
  }
}
console.log(`stopped after ${seen} keys; resuming in a new Store from cursor ${cursor?.slice(0, 24)}…`);
// Another process would open its own Store from the same URL and key; a second memory:// would be a
// second, empty store, so the new Store here shares the driver (the connection) and nothing else.
const other = new Store(store.unwrapDriver(), { cursorKey });
for await (const p of other.listPages(bucket, { prefix, pageSize, cursor })) {
  page++;
  seen += p.objects.length;
  console.log(`page ${page}: ${p.objects.length} keys (resumed)`);
}
console.log(`listed ${seen} of ${count} keys in ${page} pages`);
if (seen !== count) throw new Error(`expected ${count} keys, listed ${seen}`);

try {
  await other.listPage(bucket, { prefix, pageSize, cursor: `${cursor!.slice(0, -2)}AA` });
} catch (e) {
  if (!isStowageError(e, 'InvalidArgument')) throw e;
  console.log(`a tampered cursor is refused: ${e.message}`);
}
const folders = await store.listPage(bucket, { prefix, delimiter: '/' });
console.log(`folders under ${prefix}: ${folders.commonPrefixes.join(' ')}`);

for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((k) => store.delete(bucket, k)));
if (store.capabilities.managedBuckets && !given) await store.deleteBucket(bucket);
await store.close();
