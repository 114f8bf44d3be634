import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Store } from '../src/index.js';
import { bucketName, dropBucket, serverEnv, SERVERS, storeFor, streamOf, type ServerName } from './support/servers.js';

/**
 * Interop with boto3: Debian's python3-boto3 (1.26, from scripts/servers/install.sh)
 * reads what the adapter wrote and the adapter reads what boto3 wrote.
 * STOWAGE_PYTHON overrides the interpreter (default: Debian's /usr/bin/python3).
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const SCRIPT = join(HERE, 'interop/boto3_check.py');
const PYTHON = process.env.STOWAGE_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

interface Boto3Report {
  boto3: string;
  botocore: string;
  read: Record<string, { sha256: string; size: number; contentType: string; metadata: Record<string, string>; metadataDecoded: Record<string, string>; headRetention: { mode: string | null; retainUntil: string | null }; retention: { mode: string; retainUntil: string } | null; legalHold: boolean }>;
  wrote: Record<string, { sha256: string; size: number; versionId?: string; etag?: string }>;
}

function runBoto3(spec: object): Promise<Boto3Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${PYTHON} ${SCRIPT} exited ${code}: ${err.slice(-3000)}`));
      try {
        resolve(JSON.parse(out) as Boto3Report);
      } catch {
        reject(new Error(`boto3_check.py printed no JSON: ${out.slice(0, 500)} ${err.slice(-2000)}`));
      }
    });
    child.stdin.end(JSON.stringify(spec));
  });
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe.each(SERVERS)('boto3 interop on %s', (server: ServerName) => {
  let store: S3Store;
  let bucket: string;
  beforeAll(async () => {
    store = storeFor(server);
    bucket = bucketName(`interop-${server}`);
    await store.createBucket(bucket, { objectLock: true });
  });
  afterAll(async () => {
    for await (const v of store.listVersions(bucket)) {
      if (!v.isDeleteMarker) await store.setLegalHold(bucket, v.key, false, { versionId: v.versionId }).catch(() => {});
    }
    await dropBucket(store, bucket);
    await store.close();
  });

  it('boto3 reads what the adapter wrote; the adapter reads what boto3 wrote', async () => {
    const until = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    const plain = new Uint8Array(256 * 1024).map((_, i) => (i * 11) % 256);
    await store.put(bucket, 'adapter/plain.bin', plain, {
      contentType: 'application/x-stowage',
      metadata: { Writer: 'stowage', unicode: 'naïve café ✓', spaced: ' lead and trail ' },
      retention: { mode: 'GOVERNANCE', retainUntil: until },
      legalHold: true,
    });
    // unknown length and over the buffer bound: core sends it as a multipart upload
    const chunks = Array.from({ length: 9 }, (_, i) => new Uint8Array(1024 * 1024).fill(i * 3));
    const multipart = Buffer.concat(chunks);
    await store.put(bucket, 'adapter/multipart.bin', streamOf(chunks), { contentType: 'application/x-stowage-mp', metadata: { writer: 'stowage-multipart' } });

    const env = serverEnv(server);
    const report = await runBoto3({
      endpoint: env.endpoint,
      region: env.region,
      accessKeyId: env.accessKeyId,
      secretAccessKey: env.secretAccessKey,
      bucket,
      read: ['adapter/plain.bin', 'adapter/multipart.bin'],
      write: { prefix: 'boto3/', retainUntil: until.toISOString() },
    });
    if (PYTHON === '/usr/bin/python3') expect(report.boto3).toMatch(/^1\.26\./);

    const p = report.read['adapter/plain.bin']!;
    expect(p).toMatchObject({ sha256: sha256(plain), size: plain.length, contentType: 'application/x-stowage', legalHold: true });
    expect(p.metadata.writer).toBe('stowage');
    expect(p.metadata.unicode).toMatch(/^=\?UTF-8\?B\?/i); // RFC 2047, which boto3 hands over as is…
    expect(p.metadataDecoded).toMatchObject({ writer: 'stowage', unicode: 'naïve café ✓', spaced: ' lead and trail ' }); // …and Python's stdlib decodes
    expect(p.retention?.mode).toBe('GOVERNANCE');
    expect(Date.parse(p.retention!.retainUntil)).toBe(until.getTime());
    expect(p.headRetention.mode).toBe('GOVERNANCE');
    const m = report.read['adapter/multipart.bin']!;
    expect(m).toMatchObject({ sha256: sha256(multipart), size: multipart.length, contentType: 'application/x-stowage-mp', metadata: { writer: 'stowage-multipart' }, legalHold: false, retention: null });

    const bp = report.wrote['boto3/plain.bin']!;
    const got = await store.get(bucket, 'boto3/plain.bin');
    const bytes = await got.body.bytes();
    expect({ sha256: sha256(bytes), size: bytes.length }).toEqual({ sha256: bp.sha256, size: bp.size });
    expect(got.info).toMatchObject({ contentType: 'application/x-boto3', metadata: { writer: 'boto3', unicode: 'naïve café ✓' }, legalHold: true });
    expect(got.info.retention?.mode).toBe('GOVERNANCE');
    expect(got.info.retention?.retainUntil.getTime()).toBe(until.getTime());
    expect(await store.getRetention(bucket, 'boto3/plain.bin')).toEqual({ mode: 'GOVERNANCE', retainUntil: until });
    expect(await store.getLegalHold(bucket, 'boto3/plain.bin')).toBe(true);
    if (bp.versionId) expect(got.info.versionId).toBe(bp.versionId);

    const bm = report.wrote['boto3/multipart.bin']!;
    const head = await store.head(bucket, 'boto3/multipart.bin');
    expect(head).toMatchObject({ size: bm.size, etag: bm.etag, contentType: 'application/x-boto3-multipart', metadata: { writer: 'boto3-transfer' } });
    expect(head.etag).toMatch(/-2"$/);
    const mb = await store.getBytes(bucket, 'boto3/multipart.bin');
    expect(sha256(mb)).toBe(bm.sha256);
    const tail = await store.getBytes(bucket, 'boto3/multipart.bin', { range: { suffix: 123 } });
    expect(Buffer.from(tail).equals(Buffer.from(mb.subarray(mb.length - 123)))).toBe(true);
  });
});
