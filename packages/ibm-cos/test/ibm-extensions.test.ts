/**
 * The IBM extension group: IBM Immutable Object Storage, static website
 * configuration and IAM auth, through @stowage/ibm-cos (IBM Cloud profile,
 * IAM bearer tokens) against @stowage/server's IBM COS dialect. Each `it`
 * names the IBM rule it checks. Where the adapter refuses a bad request
 * before any I/O, the server's own answer is checked too, with the raw SDK
 * call (`store.ibm.raw`), so both sides of every rule are covered.
 */
import { isStowageError, type StowageError } from '@stowage/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IbmCosStore } from '../src/index.js';
import { sdkErrorCode } from '../src/index.js';
import { API_KEY, bucketName, ibmServer, SERVICE_INSTANCE, type IbmServer } from './support/servers.js';

const DAY = 86_400;

let env: IbmServer;
let store: IbmCosStore;
/** A bucket with a protection configuration: minimum 0, default 1, maximum 10 days. */
let protectedBucket: string;
/** A bucket without one. */
let plainBucket: string;

async function failure(p: Promise<unknown>): Promise<StowageError> {
  try {
    await p;
  } catch (e) {
    if (isStowageError(e)) return e;
    throw e;
  }
  throw new Error('expected a failure, but the call succeeded');
}

/** A raw SDK call (past the adapter's own validation) so the server's rule is what answers. */
function raw(operation: string, params: Record<string, unknown>) {
  return store.ibm.raw(operation, params, undefined, { operation, bucket: String(params.Bucket ?? ''), key: params.Key as string | undefined });
}

beforeAll(async () => {
  env = await ibmServer();
  store = env.store();
  protectedBucket = bucketName('prot');
  plainBucket = bucketName('plain');
  await store.createBucket(protectedBucket);
  await store.createBucket(plainBucket);
  await store.putBucketProtection(protectedBucket, { status: 'Retention', minimumRetentionDays: 0, defaultRetentionDays: 1, maximumRetentionDays: 10 });
});

afterAll(async () => {
  await env?.close();
});

describe('protection configuration', () => {
  it('a bucket without a policy answers Status Disabled; a policy reads back as set', async () => {
    expect(await store.getBucketProtection(plainBucket)).toEqual({ status: 'Disabled' });
    expect(await store.getBucketProtection(protectedBucket)).toEqual({ status: 'Retention', minimumRetentionDays: 0, defaultRetentionDays: 1, maximumRetentionDays: 10 });
    const b = bucketName('perm');
    await store.createBucket(b);
    await store.putBucketProtection(b, { status: 'Retention', minimumRetentionDays: 1, defaultRetentionDays: 2, maximumRetentionDays: 3, enablePermanentRetention: true });
    expect(await store.getBucketProtection(b)).toEqual({ status: 'Retention', minimumRetentionDays: 1, defaultRetentionDays: 2, maximumRetentionDays: 3, enablePermanentRetention: true });
  });

  it('minimum ≤ default ≤ maximum, each 0…365243 days: refused by the adapter before I/O and by the server (400)', async () => {
    const e = await failure(store.putBucketProtection(plainBucket, { status: 'Retention', minimumRetentionDays: 5, defaultRetentionDays: 1, maximumRetentionDays: 10 }));
    expect(e.code).toBe('InvalidArgument');
    const bad = [
      { Status: 'Retention', MinimumRetention: { Days: 5 }, DefaultRetention: { Days: 1 }, MaximumRetention: { Days: 10 } },
      { Status: 'Retention', MinimumRetention: { Days: 1 }, DefaultRetention: { Days: 5 }, MaximumRetention: { Days: 2 } },
      { Status: 'Retention', MinimumRetention: { Days: 0 }, DefaultRetention: { Days: 1 }, MaximumRetention: { Days: 365_244 } },
      { Status: 'Retention', MinimumRetention: { Days: 0 }, DefaultRetention: { Days: 1 } },
      { Status: 'Bogus' },
    ];
    for (const config of bad) {
      const f = await failure(raw('putBucketProtectionConfiguration', { Bucket: plainBucket, ProtectionConfiguration: config }));
      expect(f.statusCode, JSON.stringify(config)).toBe(400);
      expect(f.code).toBe('InvalidArgument');
    }
    expect(await store.getBucketProtection(plainBucket)).toEqual({ status: 'Disabled' });
  });

  it('a policy cannot be removed, nor permanent retention turned off (409)', async () => {
    const f = await failure(raw('putBucketProtectionConfiguration', { Bucket: protectedBucket, ProtectionConfiguration: { Status: 'Disabled' } }));
    expect(f.statusCode).toBe(409);
    expect(sdkErrorCode(f)).toBe('InvalidBucketState');
  });

  it('a missing bucket is NoSuchBucket', async () => {
    expect((await failure(store.getBucketProtection(bucketName('missing')))).code).toBe('BucketNotFound');
  });
});

describe('retention on writes', () => {
  it('the default retention is given to a new object; HEAD shows it (as COMPLIANCE on the portable API)', async () => {
    const before = Date.now();
    await store.put(protectedBucket, 'default', 'x');
    const holds = await store.listLegalHolds(protectedBucket, 'default');
    expect(holds.retentionPeriod).toBe(1 * DAY);
    expect(holds.legalHolds).toEqual([]);
    expect(holds.createTime!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(holds.retentionExpirationDate!.getTime() - holds.createTime!.getTime()).toBe(DAY * 1000);
    const info = await store.head(protectedBucket, 'default');
    expect(info.retention?.mode).toBe('COMPLIANCE');
    expect(info.retention?.retainUntil.getTime()).toBe(holds.retentionExpirationDate!.getTime());
    expect(info.legalHold).toBe(false);
  });

  it('Retention-Period within the policy is kept; below the minimum or above the maximum → 400', async () => {
    await store.put(protectedBucket, 'period', 'x', { retentionPeriod: 3 * DAY });
    expect((await store.listLegalHolds(protectedBucket, 'period')).retentionPeriod).toBe(3 * DAY);
    const over = await failure(store.put(protectedBucket, 'too-long', 'x', { retentionPeriod: 11 * DAY }));
    expect([over.code, over.statusCode]).toEqual(['InvalidArgument', 400]);
    const strict = bucketName('strict');
    await store.createBucket(strict);
    await store.putBucketProtection(strict, { status: 'Retention', minimumRetentionDays: 2, defaultRetentionDays: 2, maximumRetentionDays: 3 });
    const under = await failure(store.put(strict, 'too-short', 'x', { retentionPeriod: DAY }));
    expect([under.code, under.statusCode]).toEqual(['InvalidArgument', 400]);
  });

  it('Retention-Expiration-Date sets the period from now', async () => {
    const until = new Date(Date.now() + 2 * DAY * 1000);
    await store.put(protectedBucket, 'dated', 'x', { retentionExpirationDate: until });
    const holds = await store.listLegalHolds(protectedBucket, 'dated');
    expect(Math.abs(holds.retentionExpirationDate!.getTime() - until.getTime())).toBeLessThan(2000);
  });

  it('a retention period and an expiration date together → 400 (the adapter refuses it before I/O)', async () => {
    const e = await failure(store.put(protectedBucket, 'both', 'x', { retentionPeriod: DAY, retentionExpirationDate: new Date(Date.now() + DAY * 1000) }));
    expect(e.code).toBe('InvalidArgument');
    const f = await failure(raw('putObject', { Bucket: protectedBucket, Key: 'both', Body: 'x', RetentionPeriod: DAY, RetentionExpirationDate: new Date(Date.now() + DAY * 1000) }));
    expect([f.code, f.statusCode]).toEqual(['InvalidArgument', 400]);
  });

  it('retention headers on a bucket without a policy → 400', async () => {
    const f = await failure(store.put(plainBucket, 'no-policy', 'x', { retentionPeriod: 10 }));
    expect(f.statusCode).toBe(400);
  });

  it('a retained object cannot be overwritten or deleted; a batch delete refuses it by entry', async () => {
    await store.put(protectedBucket, 'keep', 'x', { retentionPeriod: DAY });
    const overwrite = await failure(store.put(protectedBucket, 'keep', 'y'));
    expect([overwrite.code, overwrite.statusCode]).toEqual(['AccessDenied', 403]);
    const del = await failure(store.delete(protectedBucket, 'keep'));
    expect(del.code).toBe('ObjectLocked');
    expect((del as StowageError & { reason?: string }).reason).toBe('retention');
    await store.put(protectedBucket, 'free', 'x', { retentionPeriod: 0 });
    const results = await store.deleteMany(protectedBucket, ['keep', 'free']);
    expect(results.map((r) => r.deleted)).toEqual([false, true]);
    expect(new TextDecoder().decode(await store.getBytes(protectedBucket, 'keep'))).toBe('x');
  });

  it('once the period has passed (and no hold is left) the object can be deleted and overwritten', async () => {
    await store.put(protectedBucket, 'short', 'x', { retentionPeriod: 1 });
    expect((await failure(store.delete(protectedBucket, 'short'))).code).toBe('ObjectLocked');
    await new Promise((r) => setTimeout(r, 1200));
    await store.put(protectedBucket, 'short', 'overwritten', { retentionPeriod: 0 });
    await store.delete(protectedBucket, 'short');
    expect(await store.head(protectedBucket, 'short').catch((e: StowageError) => e.code)).toBe('ObjectNotFound');
  });

  it('copy: RetentionDirective Copy keeps the source period; Replace takes the request (or the default)', async () => {
    await store.put(protectedBucket, 'src', 'x', { retentionPeriod: 4 * DAY });
    await store.copy({ bucket: protectedBucket, key: 'src' }, { bucket: protectedBucket, key: 'copied' }, { retentionDirective: 'Copy' });
    expect((await store.listLegalHolds(protectedBucket, 'copied')).retentionPeriod).toBe(4 * DAY);
    await store.copy({ bucket: protectedBucket, key: 'src' }, { bucket: protectedBucket, key: 'replaced' }, { retentionDirective: 'Replace', retentionPeriod: 2 * DAY });
    expect((await store.listLegalHolds(protectedBucket, 'replaced')).retentionPeriod).toBe(2 * DAY);
    await store.copy({ bucket: protectedBucket, key: 'src' }, { bucket: protectedBucket, key: 'defaulted' });
    expect((await store.listLegalHolds(protectedBucket, 'defaulted')).retentionPeriod).toBe(DAY);
  });

  it('a multipart upload completed with a retention period carries it', async () => {
    const upload = await store.createMultipartUpload(protectedBucket, 'multi');
    const part = await store.uploadPart(upload, 1, 'only part');
    await store.completeMultipartUpload(upload, [part], { retentionPeriod: 5 * DAY });
    expect((await store.listLegalHolds(protectedBucket, 'multi')).retentionPeriod).toBe(5 * DAY);
  });

  it('a put may add one legal hold (Retention-Legal-Hold-ID)', async () => {
    await store.put(protectedBucket, 'put-held', 'x', { retentionPeriod: 0, retentionLegalHoldId: 'case-1' });
    const holds = await store.listLegalHolds(protectedBucket, 'put-held');
    expect(holds.legalHolds.map((h) => h.id)).toEqual(['case-1']);
    expect((await failure(store.delete(protectedBucket, 'put-held'))).code).toBe('ObjectLocked');
  });
});

describe('legal holds', () => {
  it('ids are 1–64 letters, digits and ! _ . * \' ( ) -; others → 400 (adapter before I/O, and server)', async () => {
    await store.put(protectedBucket, 'ids', 'x', { retentionPeriod: 0 });
    const good = ["all-OK_chars.!*'()9", 'x'.repeat(64), 'a'];
    for (const id of good) await store.addLegalHold(protectedBucket, 'ids', id);
    expect((await store.listLegalHolds(protectedBucket, 'ids')).legalHolds.map((h) => h.id)).toEqual(good);
    for (const id of ['x'.repeat(65), 'has space', 'hash#', 'slash/']) {
      expect((await failure(store.addLegalHold(protectedBucket, 'ids', id))).code).toBe('InvalidArgument');
      const f = await failure(raw('addLegalHold', { Bucket: protectedBucket, Key: 'ids', RetentionLegalHoldId: id }));
      expect([f.code, f.statusCode], id).toEqual(['InvalidArgument', 400]);
    }
    const onPut = await failure(raw('putObject', { Bucket: protectedBucket, Key: 'ids-put', Body: 'x', RetentionLegalHoldId: 'x'.repeat(65) }));
    expect(onPut.statusCode).toBe(400);
  });

  it('a duplicate id → 409, the existing hold unchanged', async () => {
    await store.put(protectedBucket, 'dup', 'x', { retentionPeriod: 0 });
    await store.addLegalHold(protectedBucket, 'dup', 'h1');
    const first = (await store.listLegalHolds(protectedBucket, 'dup')).legalHolds[0]!;
    await new Promise((r) => setTimeout(r, 20));
    const f = await failure(store.addLegalHold(protectedBucket, 'dup', 'h1'));
    expect(f.statusCode).toBe(409);
    expect(sdkErrorCode(f)).toBe('LegalHoldAlreadyExists');
    expect((await store.listLegalHolds(protectedBucket, 'dup')).legalHolds).toEqual([first]);
  });

  it('at most 100 legal holds per object: the 101st → 400', async () => {
    await store.put(protectedBucket, 'hundred', 'x', { retentionPeriod: 0 });
    for (let i = 0; i < 100; i++) await store.addLegalHold(protectedBucket, 'hundred', `hold-${i}`);
    const f = await failure(store.addLegalHold(protectedBucket, 'hundred', 'hold-100'));
    expect(f.statusCode).toBe(400);
    expect((await store.listLegalHolds(protectedBucket, 'hundred')).legalHolds).toHaveLength(100);
  });

  it('list legal holds answers the creation date, period, expiration and each hold with its timestamp', async () => {
    const before = Date.now();
    await store.put(protectedBucket, 'listed', 'x', { retentionPeriod: 2 * DAY });
    await store.addLegalHold(protectedBucket, 'listed', 'audit-2026');
    await store.addLegalHold(protectedBucket, 'listed', 'lawsuit-7');
    const list = await store.listLegalHolds(protectedBucket, 'listed');
    expect(list.retentionPeriod).toBe(2 * DAY);
    expect(list.createTime!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(list.retentionExpirationDate!.getTime()).toBe(list.createTime!.getTime() + 2 * DAY * 1000);
    expect(list.legalHolds.map((h) => h.id)).toEqual(['audit-2026', 'lawsuit-7']);
    for (const h of list.legalHolds) expect(h.date!.getTime()).toBeGreaterThanOrEqual(list.createTime!.getTime());
  });

  it('a held object cannot be deleted even after its period; removing the last hold frees it', async () => {
    await store.put(protectedBucket, 'held', 'x', { retentionPeriod: 0 });
    await store.addLegalHold(protectedBucket, 'held', 'h');
    const info = await store.head(protectedBucket, 'held');
    expect(info.legalHold).toBe(true);
    const e = await failure(store.delete(protectedBucket, 'held'));
    expect([e.code, (e as StowageError & { reason?: string }).reason]).toEqual(['ObjectLocked', 'legal-hold']);
    const unknown = await failure(store.deleteLegalHold(protectedBucket, 'held', 'not-there'));
    expect(unknown.statusCode).toBe(404);
    await store.deleteLegalHold(protectedBucket, 'held', 'h');
    expect((await store.head(protectedBucket, 'held')).legalHold).toBe(false);
    await store.delete(protectedBucket, 'held');
  });

  it('holds and extensions on an object without retention → 400; listing its holds → 404', async () => {
    await store.put(plainBucket, 'unretained', 'x');
    for (const call of [
      store.addLegalHold(plainBucket, 'unretained', 'h'),
      store.deleteLegalHold(plainBucket, 'unretained', 'h'),
      store.extendObjectRetention(plainBucket, 'unretained', { additionalRetentionPeriod: 10 }),
    ]) {
      expect((await failure(call)).statusCode).toBe(400);
    }
    expect((await failure(store.listLegalHolds(plainBucket, 'unretained'))).statusCode).toBe(404);
    expect((await failure(store.addLegalHold(plainBucket, 'missing-key', 'h'))).code).toBe('ObjectNotFound');
  });
});

describe('extend retention', () => {
  it('AdditionalRetentionPeriod adds to the period', async () => {
    await store.put(protectedBucket, 'ext-add', 'x', { retentionPeriod: DAY });
    await store.extendObjectRetention(protectedBucket, 'ext-add', { additionalRetentionPeriod: 3600 });
    expect((await store.listLegalHolds(protectedBucket, 'ext-add')).retentionPeriod).toBe(DAY + 3600);
  });

  it('NewRetentionPeriod, NewRetentionExpirationDate and ExtendRetentionFromCurrentTime replace it, only with a longer one', async () => {
    await store.put(protectedBucket, 'ext', 'x', { retentionPeriod: DAY });
    await store.extendObjectRetention(protectedBucket, 'ext', { newRetentionPeriod: 2 * DAY });
    expect((await store.listLegalHolds(protectedBucket, 'ext')).retentionPeriod).toBe(2 * DAY);
    const created = (await store.listLegalHolds(protectedBucket, 'ext')).createTime!;
    const until = new Date(created.getTime() + 3 * DAY * 1000);
    await store.extendObjectRetention(protectedBucket, 'ext', { newRetentionExpirationDate: until });
    expect((await store.listLegalHolds(protectedBucket, 'ext')).retentionExpirationDate!.getTime()).toBe(until.getTime());
    await store.extendObjectRetention(protectedBucket, 'ext', { extendRetentionFromCurrentTime: 4 * DAY });
    const now = (await store.listLegalHolds(protectedBucket, 'ext')).retentionExpirationDate!.getTime();
    expect(Math.abs(now - (Date.now() + 4 * DAY * 1000))).toBeLessThan(3000);
    // HEAD (and the Store's mirrored COMPLIANCE date) follow.
    expect(Math.abs((await store.head(protectedBucket, 'ext')).retention!.retainUntil.getTime() - now)).toBeLessThan(1000);
  });

  it('retention only grows: a shorter or equal period → 400, the period unchanged', async () => {
    await store.put(protectedBucket, 'grow', 'x', { retentionPeriod: 2 * DAY });
    for (const extension of [{ newRetentionPeriod: DAY }, { newRetentionPeriod: 2 * DAY }, { newRetentionExpirationDate: new Date(Date.now() + 60_000) }, { extendRetentionFromCurrentTime: 60 }]) {
      const f = await failure(store.extendObjectRetention(protectedBucket, 'grow', extension));
      expect([f.code, f.statusCode], JSON.stringify(extension)).toEqual(['InvalidArgument', 400]);
    }
    expect((await store.listLegalHolds(protectedBucket, 'grow')).retentionPeriod).toBe(2 * DAY);
  });

  it('not past the policy maximum; exactly one way per request (adapter before I/O, server 400)', async () => {
    await store.put(protectedBucket, 'max', 'x', { retentionPeriod: DAY });
    expect((await failure(store.extendObjectRetention(protectedBucket, 'max', { newRetentionPeriod: 11 * DAY }))).statusCode).toBe(400);
    const two = { additionalRetentionPeriod: 10, newRetentionPeriod: 3 * DAY } as never;
    expect((await failure(store.extendObjectRetention(protectedBucket, 'max', two))).code).toBe('InvalidArgument');
    const f = await failure(raw('extendObjectRetention', { Bucket: protectedBucket, Key: 'max', AdditionalRetentionPeriod: 10, NewRetentionPeriod: 3 * DAY }));
    expect(f.statusCode).toBe(400);
    const none = await failure(raw('extendObjectRetention', { Bucket: protectedBucket, Key: 'max' }));
    expect(none.statusCode).toBe(400);
  });
});

describe('layered over the Store', () => {
  it('in a bucket with object lock, IBM retention and holds are the Store\'s COMPLIANCE retention and legal hold: the Store itself refuses the delete', async () => {
    const b = bucketName('lock');
    await store.createBucket(b, { objectLock: true });
    await store.putBucketProtection(b, { status: 'Retention', minimumRetentionDays: 0, defaultRetentionDays: 1, maximumRetentionDays: 10 });
    const put = await store.put(b, 'k', 'x', { retentionPeriod: DAY });
    const underlying = env.server.store;
    expect((await underlying.getRetention(b, 'k', { versionId: put.versionId }))?.mode).toBe('COMPLIANCE');
    const e = await failure(underlying.delete(b, 'k', { versionId: put.versionId, bypassGovernanceRetention: true }));
    expect(e.code).toBe('ObjectLocked');
    await store.addLegalHold(b, 'k', 'h');
    expect(await underlying.getLegalHold(b, 'k', { versionId: put.versionId })).toBe(true);
    await store.extendObjectRetention(b, 'k', { additionalRetentionPeriod: DAY });
    const retention = await underlying.getRetention(b, 'k', { versionId: put.versionId });
    const list = await store.listLegalHolds(b, 'k');
    expect(retention?.retainUntil.getTime()).toBe(list.retentionExpirationDate!.getTime());
    expect((await failure(store.delete(b, 'k', { versionId: put.versionId }))).code).toBe('ObjectLocked');
  });
});

describe('static website configuration', () => {
  it('put, get and delete', async () => {
    expect(await store.getBucketWebsite(plainBucket)).toBeUndefined();
    await store.putBucketWebsite(plainBucket, { indexDocument: 'index.html', errorDocument: 'error.html' });
    expect(await store.getBucketWebsite(plainBucket)).toEqual({ indexDocument: 'index.html', errorDocument: 'error.html' });
    await store.putBucketWebsite(plainBucket, { redirectAllRequestsTo: { hostName: 'example.com', protocol: 'https' } });
    expect(await store.getBucketWebsite(plainBucket)).toEqual({ redirectAllRequestsTo: { hostName: 'example.com', protocol: 'https' } });
    await store.deleteBucketWebsite(plainBucket);
    expect(await store.getBucketWebsite(plainBucket)).toBeUndefined();
    expect((await failure(store.putBucketWebsite(plainBucket, { indexDocument: 'a/b.html' }))).code).toBe('InvalidArgument');
  });
});

describe('IAM', () => {
  it('requests carry bearer tokens from the IAM endpoint; CreateBucket and ListBuckets name the service instance', async () => {
    const before = env.iam.tokensIssued;
    const fresh = env.store();
    const b = bucketName('iam');
    await fresh.createBucket(b);
    expect((await fresh.listBuckets()).some((x) => x.name === b)).toBe(true);
    expect(env.iam.tokensIssued).toBe(before + 1);
    expect(fresh.ibm.authMode).toBe('iam');
    expect(fresh.ibm.iamToken()!.expiration.getTime()).toBeGreaterThan(Date.now() + 3000_000);
  });

  it('an unknown token → 403, an expired one → 401, a missing instance id on CreateBucket → 400', async () => {
    const url = `${env.server.url}/${protectedBucket}/default`;
    expect((await fetch(url, { headers: { authorization: 'Bearer not-a-token' } })).status).toBe(403);
    const shortLived = await ibmServer({ tokenLifetimeSeconds: 1 });
    try {
      const token = shortLived.iam.issue(API_KEY)!.access_token;
      expect((await fetch(`${shortLived.server.url}/`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      const expired = await fetch(`${shortLived.server.url}/`, { headers: { authorization: `Bearer ${token}` } });
      expect(expired.status).toBe(401);
      expect(await expired.text()).toContain('ExpiredToken');
      const fresh = shortLived.iam.issue(API_KEY)!.access_token;
      expect((await fetch(`${shortLived.server.url}/no-instance-bucket`, { method: 'PUT', headers: { authorization: `Bearer ${fresh}` } })).status).toBe(400);
      const wrong = await fetch(`${shortLived.server.url}/wrong-instance-bucket`, { method: 'PUT', headers: { authorization: `Bearer ${fresh}`, 'ibm-service-instance-id': 'someone-else' } });
      expect(wrong.status).toBe(403);
    } finally {
      await shortLived.close();
    }
  });

  it('an unknown API key is AccessDenied, and no error shows the key', async () => {
    const bad = env.store({ apiKey: 'wrong-api-key-0123456789' });
    const e = await failure(bad.listBuckets());
    expect(e.code).toBe('AccessDenied');
    expect(JSON.stringify(e)).not.toContain('wrong-api-key-0123456789');
    expect(String(e.stack)).not.toContain('wrong-api-key-0123456789');
    expect(SERVICE_INSTANCE).toBeTruthy();
  });

  it('the token endpoint answers IAM\'s JSON, and refuses an unknown key or grant', async () => {
    const ok = await fetch(`${env.server.url}/identity/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: API_KEY }),
    });
    const token = (await ok.json()) as Record<string, unknown>;
    expect(ok.status).toBe(200);
    expect(token.token_type).toBe('Bearer');
    expect(typeof token.access_token).toBe('string');
    expect(Math.abs((token.expiration as number) - (Date.now() / 1000 + 3600))).toBeLessThan(5);
    const unknown = await fetch(`${env.server.url}/identity/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:ibm:params:oauth:grant-type:apikey', apikey: 'nope' }) });
    expect(unknown.status).toBe(400);
    const grant = await fetch(`${env.server.url}/identity/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'password', apikey: API_KEY }) });
    expect(grant.status).toBe(400);
  });
});
