/**
 * One measured run, in its own process (so RSS and CPU are its own):
 *   tsx bench/scenario.ts '{"name":"stowage-upload","server":"minio","bytes":1073741824}'
 * Prints one JSON line: seconds, MiB/s, client CPU seconds, server CPU seconds per process.
 */
import { randomBytes } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
// Everything else is imported by the scenario that needs it: a Stowage run's peak RSS must not include minio-js or lib-storage.
const { CreateMultipartUploadCommand, UploadPartCommand, CompleteMultipartUploadCommand, GetObjectCommand, DeleteObjectCommand, HeadBucketCommand, CreateBucketCommand, S3Client: S3ClientCtor } = await import('@aws-sdk/client-s3');
import { BUCKET, generatorStream, MiB, processCpuSeconds, serverEnv, serverPids, type ServerName } from './common.js';

interface Args {
  name: string;
  server: ServerName;
  bytes: number;
  key?: string;
  partSize?: number;
  concurrency?: number;
  /** Talk through this port (the throttling proxy) instead of the server's. */
  viaPort?: number;
  /** stowage-upload: the S3 adapter with the SDK's defaults (Expect: 100-continue, signed payloads). */
  sdkDefaults?: boolean;
  /** stowage-upload: false = keep no whole-object CRC32 (downloads then verify by MD5). */
  objectChecksum?: false;
  verify?: boolean;
  strategy?: 'auto' | 'single' | 'ranges';
  keep?: boolean;
  /** stowage-upload: false = no per-part checksum (to measure what hashing costs). */
  checksum?: false;
}

const args = JSON.parse(process.argv[2]!) as Args;
const env = serverEnv()[args.server];
const endpoint = args.viaPort ? `http://127.0.0.1:${args.viaPort}` : env.endpoint;
const key = args.key ?? `${args.name}-${process.pid}`;
const timeoutMs = 240_000;
const deadline = setTimeout(() => {
  console.error(`timeout after ${timeoutMs} ms`);
  process.exit(3);
}, timeoutMs);

function sdkClient(): S3Client {
  return new S3ClientCtor({
    endpoint,
    region: env.region,
    forcePathStyle: true,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    // Ceph Pacific refuses the SDK's default aws-chunked CRC32 bodies (DESIGN.md): WHEN_REQUIRED everywhere, for parity.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function stowageStore() {
  const { createS3Store } = await import('@stowage/s3');
  return createS3Store(
    {
      endpoint,
      region: env.region,
      accessKeyId: env.accessKeyId,
      secretAccessKey: env.secretAccessKey,
      serverProfile: args.server === 'ceph' ? 'ceph-rgw' : 'minio',
      // The SDK's own behaviour, for comparison: Expect: 100-continue and a SigV4 SHA-256 of every body.
      ...(args.sdkDefaults ? { payloadSigning: 'always' as const, clientConfig: { expectContinueHeader: true } } : {}),
    },
    { retry: { maxAttempts: 3, attemptTimeoutMs: 120_000 } },
  );
}

async function ensureBucket(client: S3Client) {
  try {
    await client.send(new HeadBucketCommand({ Bucket: BUCKET }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET })).catch(() => {});
  }
}

async function main() {
  const admin = sdkClient();
  await ensureBucket(admin);
  const pids = serverPids(args.server);
  let run: () => Promise<number>;
  let cleanup = async () => {};

  switch (args.name) {
    case 'raw-upload': {
      // Parallel UploadPart of pre-made buffers: the server's limit from this client.
      const partSize = args.partSize ?? 16 * MiB;
      const conc = args.concurrency ?? 4;
      const buffers = Array.from({ length: conc }, () => randomBytes(partSize));
      const client = sdkClient();
      run = async () => {
        const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
        const count = Math.ceil(args.bytes / partSize);
        const etags: string[] = [];
        let next = 0;
        await Promise.all(
          Array.from({ length: conc }, async (_, w) => {
            for (;;) {
              const i = next++;
              if (i >= count) return;
              const body = buffers[w]!.subarray(0, Math.min(partSize, args.bytes - i * partSize));
              const out = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body: body, ContentLength: body.length }));
              etags[i] = out.ETag!;
            }
          }),
        );
        await client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
        return args.bytes;
      };
      cleanup = async () => void (await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key })));
      break;
    }
    case 'libstorage-upload': {
      const { Upload } = await import('@aws-sdk/lib-storage');
      const client = sdkClient();
      run = async () => {
        const up = new Upload({
          client,
          params: { Bucket: BUCKET, Key: key, Body: generatorStream(args.bytes) },
          ...(args.partSize ? { partSize: args.partSize } : {}),
          ...(args.concurrency ? { queueSize: args.concurrency } : {}),
        });
        await up.done();
        return args.bytes;
      };
      cleanup = async () => void (await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key })));
      break;
    }
    case 'minio-putobject': {
      const Minio = await import('minio');
      const url = new URL(endpoint);
      const mc = new Minio.Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey: env.accessKeyId, secretKey: env.secretAccessKey, region: env.region, pathStyle: true });
      run = async () => {
        await mc.putObject(BUCKET, key, generatorStream(args.bytes));
        return args.bytes;
      };
      cleanup = async () => mc.removeObject(BUCKET, key);
      break;
    }
    case 'stowage-upload': {
      const { upload } = await import('../src/index.js');
      const store = await stowageStore();
      run = async () => {
        const r = await upload(store, BUCKET, key, generatorStream(args.bytes), {
          ...(args.partSize ? { partSize: args.partSize } : {}),
          ...(args.concurrency ? { concurrency: args.concurrency } : {}),
          ...(args.checksum === false ? { checksum: false as const } : {}),
          ...(args.objectChecksum === false ? { objectChecksum: false as const } : {}),
          signal: AbortSignal.timeout(timeoutMs - 10_000),
        });
        if ((r.integrity.serverVerified === null && args.checksum !== false) || r.size !== args.bytes) throw new Error(`unverified upload ${JSON.stringify(r)}`);
        extra.maxBufferedMiB = r.stats.maxBufferedBytes / MiB;
        extra.parts = r.parts;
        return r.size;
      };
      cleanup = async () => {
        if (!args.keep) await store.delete(BUCKET, key);
      };
      break;
    }
    case 'raw-get': {
      // One GET stream, consumed: the single-connection baseline.
      const client = sdkClient();
      run = async () => {
        const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: args.key! }));
        let n = 0;
        for await (const c of out.Body as AsyncIterable<Uint8Array>) n += c.length;
        return n;
      };
      break;
    }
    case 'raw-ranged-get': {
      // `concurrency` ranged GETs in flight, out of order (no reassembly): what ranges cost on this box.
      const client = sdkClient();
      const rangeSize = args.partSize ?? 16 * MiB;
      const conc = args.concurrency ?? 4;
      run = async () => {
        let next = 0;
        let total = 0;
        const count = Math.ceil(args.bytes / rangeSize);
        await Promise.all(
          Array.from({ length: conc }, async () => {
            for (;;) {
              const i = next++;
              if (i >= count) return;
              const end = Math.min(args.bytes, (i + 1) * rangeSize) - 1;
              const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: args.key!, Range: `bytes=${i * rangeSize}-${end}` }));
              for await (const c of out.Body as AsyncIterable<Uint8Array>) total += c.length;
            }
          }),
        );
        return total;
      };
      break;
    }
    case 'stowage-download': {
      const { download } = await import('../src/index.js');
      const store = await stowageStore();
      run = async () => {
        const d = download(store, BUCKET, args.key!, {
          verify: args.verify ?? true,
          strategy: args.strategy ?? 'auto',
          ...(args.concurrency ? { concurrency: args.concurrency } : {}),
          signal: AbortSignal.timeout(timeoutMs - 10_000),
        });
        let n = 0;
        const reader = d.stream().getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          n += value.length;
        }
        const r = await d.result;
        if ((args.verify ?? true) && !r.integrity.verified) throw new Error(`unverified download ${JSON.stringify(r.integrity)}`);
        extra.strategy = r.strategy;
        extra.requests = r.requests;
        if (r.stats.probeRate) extra.probeMiBps = r.stats.probeRate / MiB;
        if (r.stats.probeBusy !== undefined) extra.probeBusy = r.stats.probeBusy;
        return n;
      };
      break;
    }
    case 'delete': {
      run = async () => {
        await admin.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: args.key! }));
        return args.bytes;
      };
      break;
    }
    default:
      throw new Error(`unknown scenario ${args.name}`);
  }

  const extra: Record<string, unknown> = {};
  const serverBefore = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, processCpuSeconds(p)]));
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const bytes = await run();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpu = Object.fromEntries(Object.entries(pids).map(([n, p]) => [n, processCpuSeconds(p) - serverBefore[n]!]));
  if (bytes !== args.bytes) throw new Error(`moved ${bytes} bytes, expected ${args.bytes}`);
  await cleanup().catch((e) => console.error('cleanup:', e));
  clearTimeout(deadline);
  console.log(
    JSON.stringify({
      seconds,
      mibps: bytes / MiB / seconds,
      clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
      clientCpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
      serverCpuSeconds: serverCpu,
      serverCpuPercent: Object.fromEntries(Object.entries(serverCpu).map(([n, s]) => [n, (s / seconds) * 100])),
      ...extra,
    }),
  );
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
