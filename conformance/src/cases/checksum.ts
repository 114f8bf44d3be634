import { checksumBase64, type StoredChecksum } from '@stowage/core';
import { bytesEqual, deepEqual, equal, ok, rejects } from '../assert.js';
import type { CaseContext } from '../context.js';
import { defineGroup } from '../registry.js';

type Algorithm = StoredChecksum['algorithm'];

/** Base64 of the big-endian CRC, as S3 sends it. */
function crcOf(algorithm: Algorithm, data: Uint8Array): string {
  return checksumBase64(algorithm, data)!;
}

/** A CRC the target both verifies on upload and keeps (the cases need one of each). */
function storedCrc(ctx: CaseContext): Algorithm {
  const caps = ctx.store.capabilities;
  const alg = (caps.storedChecksums ?? []).find((a) => (a === 'crc32' || a === 'crc32c') && caps.checksums.includes(a));
  ok(alg !== undefined, `storedChecksums lists a CRC the target also verifies (storedChecksums: ${caps.storedChecksums?.join(', ')}, checksums: ${caps.checksums.join(', ')})`);
  return alg;
}

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed + (i >> 10)) & 0xff;
  return out;
}

export const checksumCases = defineGroup('checksum', ['storedChecksums'], {
  'single-put-kept': {
    title: 'a put that carried a CRC keeps it: a checksum-mode HEAD and GET answer it as the full-object checksum; a plain HEAD does not',
    async run(ctx) {
      const alg = storedCrc(ctx);
      const bucket = await ctx.bucket();
      const key = ctx.key('single');
      const body = bytes(100_003, 1);
      await ctx.put(bucket, key, body, { checksum: { algorithm: alg, value: crcOf(alg, body) } });
      const expected: StoredChecksum = { algorithm: alg, type: 'full-object', value: crcOf(alg, body) };
      deepEqual((await ctx.store.head(bucket, key, { checksum: true })).checksum, expected, 'HEAD with checksum: true');
      const got = await ctx.store.get(bucket, key, { checksum: true });
      deepEqual(got.info.checksum, expected, 'GET with checksum: true');
      bytesEqual(await got.body.bytes(), body, 'the body');
      equal((await ctx.store.head(bucket, key)).checksum, undefined, 'a HEAD that did not ask has no checksum');
    },
  },
  'multipart-full-object': {
    title: 'a full-object CRC multipart upload: the completion with a wrong whole-object CRC is refused, with the right one the object keeps it',
    requires: ['multipart'],
    async run(ctx) {
      const alg = storedCrc(ctx);
      const bucket = await ctx.bucket();
      const key = ctx.key('full');
      const min = ctx.store.capabilities.multipart!.minPartSize;
      const parts = [bytes(min, 2), bytes(1234, 3)];
      const whole = new Uint8Array(min + 1234);
      whole.set(parts[0]!, 0);
      whole.set(parts[1]!, min);
      const upload = await ctx.store.createMultipartUpload(bucket, key, { checksum: { algorithm: alg, type: 'full-object' } });
      const done = [];
      for (const [i, p] of parts.entries()) {
        const checksum = { algorithm: alg, value: crcOf(alg, p) };
        const r = await ctx.store.uploadPart(upload, i + 1, p, { checksum });
        done.push({ ...r, checksum });
      }
      await rejects(
        ctx.store.completeMultipartUpload(upload, done, { checksum: { algorithm: alg, value: crcOf(alg, parts[0]!) } }),
        ['IntegrityError', 'InvalidArgument'],
        'a completion whose whole-object CRC is not the CRC of the parts joined',
      );
      await ctx.store.completeMultipartUpload(upload, done, { checksum: { algorithm: alg, value: crcOf(alg, whole) } });
      deepEqual((await ctx.store.head(bucket, key, { checksum: true })).checksum, { algorithm: alg, type: 'full-object', value: crcOf(alg, whole) }, 'HEAD with checksum: true');
      bytesEqual(await ctx.store.getBytes(bucket, key), whole, 'the object');
    },
  },
});
