/**
 * The main job, end to end, on the in-memory reference store: no server, no
 * credentials. Run with `pnpm demo` at the repository root.
 */
import { isStowageError, type ObjectLockedError } from '@stowage/core';
import { createMemoryStore } from '../src/index.js';

const store = createMemoryStore();
const log = (...args: unknown[]) => console.log(...args);
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** A body of unknown length, produced chunk by chunk (as a file or socket would be). */
function generated(seed: number, chunks: number, chunkSize: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === chunks) return controller.close();
      controller.enqueue(new Uint8Array(chunkSize).fill((seed + sent++) % 256));
    },
  });
}

log(`Stowage demo — provider "${store.provider}" (in-memory reference store, no server)\n`);

// 1. a bucket
await store.createBucket('demo-photos');
log('1. created bucket demo-photos');

// 2. stream-write objects of unknown length
const keys: string[] = [];
for (const year of ['2024', '2025']) {
  for (let i = 1; i <= 12; i++) keys.push(`photos/${year}/img-${String(i).padStart(3, '0')}.jpg`);
}
keys.push('photos/index.html', 'readme.txt');
let written = 0;
for (const [i, key] of keys.entries()) {
  const chunks = 1 + (i % 4);
  const result = await store.put('demo-photos', key, generated(i, chunks, 16 * 1024), { contentType: key.endsWith('.jpg') ? 'image/jpeg' : 'text/plain', metadata: { camera: i % 2 ? 'Fujifilm X100V' : 'Nikon Zf', caption: `Photo nº${i + 1} — café` } });
  written += chunks * 16 * 1024;
  if (i < 3) log(`   streamed ${key} in ${chunks} chunk(s) → ETag ${result.etag}`);
}
log(`2. stream-wrote ${keys.length} objects (${kib(written)}) without declaring their lengths`);
const head = await store.head('demo-photos', 'photos/2024/img-002.jpg');
log(`   head photos/2024/img-002.jpg: ${head.size} bytes, ${head.contentType}, metadata ${JSON.stringify(head.metadata)}`);

// 3. page through a listing
log('3. listing photos/ 10 keys at a time:');
let page = 0;
for await (const p of store.listPages('demo-photos', { prefix: 'photos/', pageSize: 10 })) {
  page++;
  const first = p.objects[0]?.key;
  const last = p.objects.at(-1)?.key;
  log(`   page ${page}: ${p.objects.length} keys (${first} … ${last})${p.nextCursor ? `, cursor ${p.nextCursor.slice(0, 24)}…` : ', last page'}`);
}
const dirs = await store.listPage('demo-photos', { prefix: 'photos/', delimiter: '/' });
log(`   with delimiter "/": folders ${JSON.stringify(dirs.commonPrefixes)}, files ${JSON.stringify(dirs.objects.map((o) => o.key))}`);

// 4. object lock: a retention refuses deleting the version
log('4. object lock (GOVERNANCE, 1 day):');
await store.createBucket('demo-vault', { objectLock: true });
const retainUntil = new Date(store.now().getTime() + 24 * 3600 * 1000);
const contract = await store.put('demo-vault', 'contracts/2025-001.pdf', 'signed contract, v1', { retention: { mode: 'GOVERNANCE', retainUntil } });
log(`   put contracts/2025-001.pdf version ${contract.versionId}, retained until ${retainUntil.toISOString()}`);
const v2 = await store.put('demo-vault', 'contracts/2025-001.pdf', 'signed contract, v2');
log(`   a PUT on the locked key succeeds: new version ${v2.versionId}`);
const marker = await store.delete('demo-vault', 'contracts/2025-001.pdf');
log(`   a DELETE without a version id adds a delete marker: ${marker.versionId}`);
try {
  await store.delete('demo-vault', 'contracts/2025-001.pdf', { versionId: contract.versionId });
  log('   !! the locked version was deleted — this must not happen');
  process.exitCode = 1;
} catch (e) {
  if (!isStowageError(e, 'ObjectLocked')) throw e;
  log(`   deleting the locked version is refused: ${e.name} (${e.code}, reason "${(e as ObjectLockedError).reason}"): ${e.message}`);
}
const kept = await store.getBytes('demo-vault', 'contracts/2025-001.pdf', { versionId: contract.versionId });
log(`   the version is intact: "${new TextDecoder().decode(kept)}"`);
try {
  // raising GOVERNANCE to COMPLIANCE alters the lock, so it needs the bypass flag itself
  await store.setRetention('demo-vault', 'contracts/2025-001.pdf', { mode: 'COMPLIANCE', retainUntil }, { versionId: contract.versionId, bypassGovernanceRetention: true });
  await store.delete('demo-vault', 'contracts/2025-001.pdf', { versionId: contract.versionId, bypassGovernanceRetention: true });
  log('   !! a COMPLIANCE version was deleted — this must not happen');
  process.exitCode = 1;
} catch (e) {
  if (!isStowageError(e, 'ObjectLocked')) throw e;
  log(`   raised to COMPLIANCE (with bypass), a bypass delete is now refused: reason "${(e as ObjectLockedError).reason}"`);
}
const versions = [];
for await (const v of store.listVersions('demo-vault')) versions.push(`${v.isDeleteMarker ? 'delete marker' : `${v.size} bytes`}${v.isLatest ? ' (latest)' : ''}`);
log(`   versions of the key, newest first: ${versions.join(', ')}`);
log('\ndone.');
