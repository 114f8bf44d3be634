/**
 * The one example app: a small document archive, written once against the
 * portable Store. Which backend it runs on is its config — one URL, from the
 * command line or STOWAGE_URL — and nothing else:
 *
 *   pnpm --filter examples archive-app                                    # memory://
 *   STOWAGE_URL='s3://?endpoint=http://127.0.0.1:7480&accessKeyId=…&secretAccessKey=…&serverProfile=ceph-rgw' pnpm --filter examples archive-app
 *   pnpm --filter examples archive-app 'minio://?endpoint=http://127.0.0.1:9000&accessKeyId=…&secretAccessKey=…'
 *   pnpm --filter examples archive-app 'mediastore://127.0.0.1:9901/archive?useSSL=false&accessKeyId=…&secretAccessKey=…'
 *
 * It files documents, lists them page by page and by folder, reads ranges,
 * copies, stores a large scan, keeps versions, locks a record, and cleans up.
 * Each step runs where the backend's capabilities allow it (read from
 * `store.capabilities`, never from the provider's name) and is reported as
 * skipped otherwise. It prints its observable results as one JSON line on
 * stdout (notes go to stderr); `examples/test/swap-by-config.test.ts` runs it
 * against every target and compares the results with the in-memory store's.
 */
import { createHash } from 'node:crypto';
import { isStowageError, Store } from '@stowage/core';
import { copy, download, upload } from '@stowage/transfer';
import { describeUrl, openFromConfig } from './lib/open.js';

const note = (text: string) => process.stderr.write(`${text}\n`);
const run = Date.now().toString(36) + Math.floor(Math.random() * 1e6).toString(36);
const cursorKey = `archive-app-${run}`;
const { store, url, bucket: given } = await openFromConfig(process.argv[2], { cursorKey });
const caps = store.capabilities;
note(`archive-app on ${describeUrl(url)} (provider ${store.provider}${store.server ? `, server ${store.server}` : ''})`);

if (!caps.managedBuckets && given === undefined) throw new Error('this backend does not manage buckets: name one in the URL (…://host/bucket?…)');
const bucket = caps.managedBuckets ? `archive-${run}` : given!;
// Where buckets are not ours to make, everything lives under a prefix of this run.
const root = caps.managedBuckets ? '' : `archive-app-${run}/`;
const made: string[] = [];
if (caps.managedBuckets) {
  await store.createBucket(bucket);
  made.push(bucket);
}

type Section = Record<string, unknown>;
const sections: Record<string, Section> = {};
const skipped: Record<string, string> = {};
const errorCode = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'none';
  } catch (e) {
    if (isStowageError(e)) return e.code;
    throw e;
  }
};
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const text = async (key: string, b = bucket, versionId?: string) => new TextDecoder().decode(await store.getBytes(b, key, { versionId }));

try {
  // 1. file the documents
  const docs: Record<string, string> = {
    'docs/2024/a.txt': 'alpha: the first document',
    'docs/2024/b.txt': 'bravo: the second document',
    'docs/2025/c.txt': 'charlie: the third document',
    'docs/2025/d.txt': 'delta: the fourth document',
    'docs/readme.txt': 'this folder holds documents',
    'index.txt': 'index of the archive',
  };
  const withMetadata = caps.userMetadata;
  for (const [key, body] of Object.entries(docs)) {
    await store.put(bucket, root + key, body, { contentType: 'text/plain', ...(withMetadata ? { metadata: { owner: 'Zoë', 'doc-key': key } } : {}) });
  }
  const objects: Section = { keys: [], sizes: {}, contentTypes: {}, texts: {} };
  for (const key of Object.keys(docs).sort()) {
    const info = await store.head(bucket, root + key);
    (objects.keys as string[]).push(key);
    (objects.sizes as Record<string, number>)[key] = info.size;
    (objects.contentTypes as Record<string, string | undefined>)[key] = info.contentType;
    (objects.texts as Record<string, string>)[key] = await text(root + key);
  }
  objects.missing = await errorCode(store.head(bucket, `${root}docs/none.txt`));
  sections.objects = objects;
  note(`filed ${Object.keys(docs).length} documents`);

  if (withMetadata) {
    const info = await store.head(bucket, `${root}docs/2024/a.txt`);
    sections.metadata = { metadata: info.metadata };
  } else skipped.metadata = 'capability:userMetadata';

  // 2. list page by page, resume in a fresh Store, and by folder
  const pages: number[] = [];
  const listed: string[] = [];
  let cursor: string | undefined;
  for await (const page of store.listPages(bucket, { prefix: `${root}docs/`, pageSize: 2 })) {
    pages.push(page.objects.length);
    listed.push(...page.objects.map((o) => o.key.slice(root.length)));
    if (pages.length === 1) cursor = page.nextCursor;
  }
  // A new Store object (its own cursor codec) with the same cursor key: as another process would resume.
  // (Over the same driver, because a second memory:// would be a second, empty store.)
  const fresh = new Store(store.unwrapDriver(), { cursorKey });
  const resumed: string[] = [];
  for await (const page of fresh.listPages(bucket, { prefix: `${root}docs/`, pageSize: 2, cursor })) resumed.push(...page.objects.map((o) => o.key.slice(root.length)));
  const folders = await store.listPage(bucket, { prefix: `${root}docs/`, delimiter: '/' });
  sections.listing = {
    pages,
    listed,
    resumedFromSecondPage: resumed,
    folders: folders.commonPrefixes.map((p) => p.slice(root.length)),
    filesAtTop: folders.objects.map((o) => o.key.slice(root.length)),
    tamperedCursor: await errorCode(store.listPage(bucket, { prefix: `${root}docs/`, pageSize: 2, cursor: `${cursor!.slice(0, -3)}AAA` })),
  };
  note(`listed: pages ${pages.join('+')}, folders ${folders.commonPrefixes.length}`);

  // 3. read parts of a document
  sections.ranges = {
    middle: new TextDecoder().decode(await store.getBytes(bucket, `${root}docs/2025/c.txt`, { range: { offset: 9, length: 9 } })),
    last: new TextDecoder().decode(await store.getBytes(bucket, `${root}docs/2025/c.txt`, { range: { suffix: 8 } })),
    pastEnd: await errorCode(store.getBytes(bucket, `${root}docs/2025/c.txt`, { range: { offset: 1000, length: 1 } })),
  };

  // 4. copy (server-side where the backend can, streamed otherwise)
  const copied = await copy({ store, bucket, key: `${root}docs/2024/a.txt` }, { store, bucket, key: `${root}copies/a.txt` });
  const copyInfo = await store.head(bucket, `${root}copies/a.txt`);
  sections.copy = {
    text: await text(`${root}copies/a.txt`),
    size: copied.size,
    contentType: copyInfo.contentType,
  };
  // metadata travels with a copy (where the backend has user metadata)
  if (sections.metadata) sections.metadata.copied = copyInfo.metadata;

  // 5. a large scan: transfer manager up (multipart where the backend has it) and verified down
  const scanSize = Math.min(12 * 1024 * 1024, caps.maxObjectSize);
  const scan = new Uint8Array(scanSize);
  for (let i = 0; i < scan.length; i++) scan[i] = (i * 31 + (i >>> 12)) & 0xff;
  const up = await upload(store, bucket, `${root}scans/big.tiff`, scan, { partSize: 5 * 1024 * 1024, contentType: 'image/tiff' });
  const chunks: Uint8Array[] = [];
  const d = download(store, bucket, `${root}scans/big.tiff`);
  for await (const c of d.nodeStream()) chunks.push(c as Uint8Array);
  const result = await d.result;
  sections.large = { size: up.size, md5: md5(Buffer.concat(chunks)), sameAsSent: md5(Buffer.concat(chunks)) === md5(scan), contentType: result.info.contentType };
  note(`large scan: ${up.multipart ? `${up.parts} parts` : 'one put'}, read back ${result.integrity.verified ? 'verified' : 'not verified'}`);

  // 6. versions
  if (caps.versioning && caps.managedBuckets && caps.listVersions) {
    const vb = `archive-${run}-v`;
    await store.createBucket(vb);
    made.push(vb);
    await store.setVersioning(vb, 'Enabled');
    const ids: string[] = [];
    for (const body of ['v1', 'v2', 'v3']) ids.push((await store.put(vb, 'policy.txt', body)).versionId!);
    await store.delete(vb, 'policy.txt');
    const versions: Array<{ marker: boolean; latest: boolean }> = [];
    for await (const v of store.listVersions(vb)) versions.push({ marker: v.isDeleteMarker, latest: v.isLatest });
    sections.versions = {
      versions,
      afterDelete: await errorCode(store.get(vb, 'policy.txt')),
      first: await text('policy.txt', vb, ids[0]),
      latestObject: await text('policy.txt', vb, ids[2]),
      state: await store.getVersioning(vb),
    };
  } else skipped.versions = `capability:${!caps.versioning ? 'versioning' : !caps.listVersions ? 'listVersions' : 'managedBuckets'}`;

  // 7. a record under retention and legal hold
  const lock = caps.objectLock;
  if (lock && (lock.governance || lock.compliance) && caps.managedBuckets) {
    const lb = `archive-${run}-l`;
    await store.createBucket(lb, { objectLock: true });
    made.push(lb);
    const mode = lock.governance ? 'GOVERNANCE' : 'COMPLIANCE';
    // COMPLIANCE cannot be lifted: a few seconds only, waited out below.
    const retainUntil = new Date(store.now().getTime() + (mode === 'GOVERNANCE' ? 3600_000 : 5000));
    const { versionId } = await store.put(lb, 'record.txt', 'signed record', { retention: { mode, retainUntil } });
    const lockSection: Section = {
      retained: (await store.getRetention(lb, 'record.txt', { versionId }))?.mode === mode,
      deleteRetained: await errorCode(store.delete(lb, 'record.txt', { versionId })),
      overwriteAllowed: (await errorCode(store.put(lb, 'record.txt', 'new version on top'))) === 'none',
      originalIntact: await text('record.txt', lb, versionId),
    };
    if (lock.legalHold) {
      await store.setLegalHold(lb, 'record.txt', true, { versionId });
      lockSection.held = await store.getLegalHold(lb, 'record.txt', { versionId });
      lockSection.deleteHeldWithBypass = await errorCode(store.delete(lb, 'record.txt', { versionId, bypassGovernanceRetention: lock.governance || undefined }));
      await store.setLegalHold(lb, 'record.txt', false, { versionId });
    }
    if (mode === 'GOVERNANCE') {
      lockSection.deleteAfter = await errorCode(store.delete(lb, 'record.txt', { versionId, bypassGovernanceRetention: true }));
    } else {
      await new Promise((r) => setTimeout(r, Math.max(0, retainUntil.getTime() - store.now().getTime()) + 1500));
      lockSection.deleteAfter = await errorCode(store.delete(lb, 'record.txt', { versionId }));
    }
    sections.lock = lockSection;
    note(`lock: ${mode}, ${JSON.stringify(lockSection)}`);
  } else skipped.lock = 'capability:objectLock';

  // 8. delete what was filed
  const all: string[] = [];
  for await (const o of store.list(bucket, { prefix: root || undefined })) all.push(o.key);
  const deleted = await store.deleteMany(bucket, all);
  const left: string[] = [];
  for await (const o of store.list(bucket, { prefix: root || undefined })) left.push(o.key);
  sections.delete = {
    deleted: deleted.filter((r) => r.deleted).length,
    left,
    readDeleted: await errorCode(store.get(bucket, `${root}index.txt`)),
  };
} finally {
  await cleanup(store, made);
  await store.close();
}

process.stdout.write(
  `${JSON.stringify({
    provider: store.provider,
    server: store.server ?? null,
    capabilities: { managedBuckets: caps.managedBuckets, userMetadata: caps.userMetadata, versioning: caps.versioning, objectLock: caps.objectLock !== null, multipart: caps.multipart !== null },
    sections,
    skipped,
  })}\n`,
);

/** Deletes every version (bypassing GOVERNANCE, releasing holds) and the buckets this run made. */
async function cleanup(s: Store, buckets: string[]): Promise<void> {
  for (const b of buckets) {
    try {
      if (s.capabilities.listVersions) {
        for await (const v of s.listVersions(b)) {
          if (s.capabilities.objectLock?.legalHold && !v.isDeleteMarker) await s.setLegalHold(b, v.key, false, { versionId: v.versionId }).catch(() => {});
          await s.delete(b, v.key, { versionId: v.versionId, bypassGovernanceRetention: s.capabilities.objectLock?.governance || undefined }).catch(() => {});
        }
      }
      for await (const o of s.list(b)) await s.delete(b, o.key).catch(() => {});
      await s.deleteBucket(b);
    } catch (e) {
      note(`cleanup of ${b}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
