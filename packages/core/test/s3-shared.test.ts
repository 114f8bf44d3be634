import { describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  BucketNotFoundError,
  completionFailure,
  configBoolean,
  configPort,
  configString,
  headNotFoundCause,
  isS3NoRetention,
  mapS3ErrorCode,
  networkErrorCode,
  ObjectLockedError,
  ObjectNotFoundError,
  PendingUploadLocks,
  s3DeleteManyResults,
  s3ProfileCapabilities,
  s3VersionMarkers,
  s3VersionsPage,
  S3_DELETE_RECHECK_LIMIT,
  TransientError,
  UploadNotFoundError,
  type S3QuirkDriver,
} from '../src/index.js';

/** The S3-family logic core shares with every S3 adapter (@stowage/s3, @stowage/minio, @stowage/ibm-cos). */

function fakeDriver(overrides: Partial<S3QuirkDriver> = {}): S3QuirkDriver & { calls: string[] } {
  const calls: string[] = [];
  return {
    provider: 'test',
    calls,
    headBucket: async () => void calls.push('headBucket'),
    headObject: async () => {
      calls.push('headObject');
      throw new ObjectNotFoundError('b', 'k');
    },
    listParts: async () => calls.push('listParts'),
    putObjectRetention: async () => void calls.push('putObjectRetention'),
    putObjectLegalHold: async () => void calls.push('putObjectLegalHold'),
    ...overrides,
  };
}

describe('mapS3ErrorCode: version ids in another format (MinIO: 400 InvalidArgument "Invalid version id specified")', () => {
  it('is VersionNotFound on every call that names a version, and for a copy source', () => {
    for (const operation of ['getObject', 'deleteObject', 'getObjectRetention', 'putObjectLegalHold']) {
      const e = mapS3ErrorCode('InvalidArgument', 'Invalid version id specified', 400, { operation, bucket: 'b', key: 'k', versionId: 'x' });
      expect(e).toMatchObject({ code: 'VersionNotFound', versionId: 'x' });
    }
    const copy = mapS3ErrorCode('InvalidArgument', 'Invalid version id specified', 400, { operation: 'copyObject', bucket: 'b', key: 'k', sourceBucket: 's', sourceKey: 'sk', sourceVersionId: 'v' });
    expect(copy).toMatchObject({ code: 'VersionNotFound', bucket: 's', key: 'sk', versionId: 'v' });
    // another InvalidArgument stays one
    expect(mapS3ErrorCode('InvalidArgument', 'bad retention', 400, { operation: 'putObjectRetention', bucket: 'b', key: 'k', versionId: 'x' }).code).toBe('InvalidArgument');
  });
});

describe('s3DeleteManyResults', () => {
  const entries = [{ key: 'a' }, { key: 'b', versionId: 'v1' }, { key: 'dup' }, { key: 'dup' }, { key: 'c' }];

  it('gives one result per entry in input order, pairing answers that do not echo what was sent', async () => {
    const results = await s3DeleteManyResults(
      'bkt',
      [...entries, { key: 'once' }, { key: 'once' }],
      [
        { key: 'c', deleted: true, deleteMarker: true, deleteMarkerVersionId: 'm1' },
        { key: 'b', deleted: true }, // version id dropped
        { key: 'dup', deleted: true },
        { deleted: true }, // MinIO: an empty <Deleted/> for the second "dup"
        { key: 'a', versionId: 'echoed', deleted: false, code: 'InternalError', message: 'boom' },
        { key: 'once', deleted: true }, // a key listed twice, answered once
      ],
      'test',
      async () => {
        throw new Error('not asked');
      },
    );
    expect(results.map((r) => [r.key, r.deleted])).toEqual([
      ['a', false],
      ['b', true],
      ['dup', true],
      ['dup', true],
      ['c', true],
      ['once', true],
      ['once', true],
    ]);
    expect(results[1]).toEqual({ key: 'b', versionId: 'v1', deleted: true });
    expect(results[4]).toEqual({ key: 'c', deleted: true, deleteMarker: true, deleteMarkerVersionId: 'm1' });
    expect(results[0]).toMatchObject({ deleted: false, error: { code: 'Transient', provider: 'test' } });
  });

  it('reports an unanswered entry as an error, and re-asks a bare AccessDenied of a version one by one (Ceph)', async () => {
    const asked: string[] = [];
    const results = await s3DeleteManyResults(
      'bkt',
      [{ key: 'locked', versionId: 'v' }, { key: 'denied', versionId: 'w' }, { key: 'policy', versionId: 'p' }, { key: 'silent' }],
      [
        { key: 'locked', versionId: 'v', deleted: false, code: 'AccessDenied', message: 'AccessDenied' },
        { key: 'denied', versionId: 'w', deleted: false, code: 'AccessDenied', message: '' },
        { key: 'policy', versionId: 'p', deleted: false, code: 'AccessDenied', message: 'Access Denied by policy' },
      ],
      'test',
      async (entry) => {
        asked.push(entry.key);
        if (entry.key === 'locked') throw new ObjectLockedError('unknown', 'forbidden by object lock');
        return {};
      },
    );
    expect(asked).toEqual(['locked', 'denied']);
    expect(results[0]).toMatchObject({ deleted: false, error: { code: 'ObjectLocked' } });
    expect(results[1]).toEqual({ key: 'denied', versionId: 'w', deleted: true });
    expect(results[2]).toMatchObject({ deleted: false, error: { code: 'AccessDenied' } });
    expect(results[3]).toMatchObject({ deleted: false, error: { code: 'Transient' } });
    expect(S3_DELETE_RECHECK_LIMIT).toBe(100);
  });
});

describe('quirk workarounds', () => {
  it('headNotFoundCause: BucketNotFound when HeadBucket says so, else the failure as it was', async () => {
    const failure = new ObjectNotFoundError('b', 'k', { requestId: 'r1' });
    const missing = fakeDriver({ headBucket: async () => Promise.reject(new BucketNotFoundError('b')) });
    expect(await headNotFoundCause(missing, { bucket: 'b', signal: new AbortController().signal }, failure)).toMatchObject({ code: 'BucketNotFound', requestId: 'r1', provider: 'test' });
    expect(await headNotFoundCause(fakeDriver(), { bucket: 'b', signal: new AbortController().signal }, failure)).toBe(failure);
  });

  it('completionFailure: Ceph\'s 500 "completion is already in progress" for an unknown upload is UploadNotFound', async () => {
    const req = { bucket: 'b', key: 'k', uploadId: 'u', signal: new AbortController().signal };
    const busy = new TransientError('Server error', { statusCode: 500 });
    const gone = fakeDriver({ listParts: async () => Promise.reject(new UploadNotFoundError('b', 'k', 'u')) });
    expect(await completionFailure(gone, req, busy, 'This multipart completion is already in progress')).toMatchObject({ code: 'UploadNotFound', uploadId: 'u', statusCode: 500 });
    const there = fakeDriver();
    expect(await completionFailure(there, req, busy, 'This multipart completion is already in progress')).toBe(busy);
    expect(await completionFailure(there, req, busy, 'other')).toBe(busy);
    expect(there.calls).toEqual(['listParts']);
  });

  it('PendingUploadLocks remembers only when the server ignores the headers, and forgets on take', () => {
    const on = new PendingUploadLocks(true);
    on.remember('u', { legalHold: true });
    on.remember('plain', {});
    expect(on.take('u')).toEqual({ retention: undefined, legalHold: true });
    expect(on.take('u')).toBeUndefined();
    expect(on.take('plain')).toBeUndefined();
    const off = new PendingUploadLocks(false);
    off.remember('u', { legalHold: true });
    expect(off.take('u')).toBeUndefined();
  });

  it('isS3NoRetention: the servers\' "no retention" answers, not a refusal', () => {
    expect(isS3NoRetention('NoSuchObjectLockConfiguration', '')).toBe(true);
    expect(isS3NoRetention('InvalidRequest', 'Bucket is missing ObjectLockConfiguration')).toBe(true);
    expect(isS3NoRetention('InvalidRequest', 'bucket object lock not configured')).toBe(true);
    expect(isS3NoRetention('InvalidRequest', 'something else')).toBe(false);
    expect(isS3NoRetention('AccessDenied', '')).toBe(false);
  });
});

describe('S3 model members', () => {
  it('restores S3 version order from the split <Version> / <DeleteMarker> lists, and round-trips the markers', () => {
    const t = (s: number) => new Date(1_700_000_000_000 + s * 1000);
    const page = s3VersionsPage({
      Versions: [
        { Key: 'b', VersionId: 'b1', IsLatest: true, Size: 1, ETag: 'e', LastModified: t(1) },
        { Key: 'a', VersionId: 'a1', IsLatest: false, Size: 2, ETag: '"f"', LastModified: t(1) },
      ],
      DeleteMarkers: [{ Key: 'a', VersionId: 'a2', IsLatest: true, LastModified: t(2) }],
      IsTruncated: true,
      NextKeyMarker: 'b%2B',
      NextVersionIdMarker: 'b1',
      EncodingType: 'url',
    });
    expect(page.versions.map((v) => [v.key, v.versionId, v.isDeleteMarker, v.etag])).toEqual([
      ['a', 'a2', true, ''],
      ['a', 'a1', false, '"f"'],
      ['b', 'b1', false, '"e"'],
    ]);
    expect(s3VersionMarkers(page.nextToken)).toEqual({ KeyMarker: 'b+', VersionIdMarker: 'b1' });
    expect(s3VersionMarkers(undefined)).toEqual({});
  });
});

describe('shared profiles and plumbing', () => {
  it('s3ProfileCapabilities applies the profile, then the overrides', () => {
    expect(s3ProfileCapabilities('ceph-rgw').multipart?.completeSubset).toBe(false);
    expect(s3ProfileCapabilities('minio').listing).toMatchObject({ anyDelimiter: false, keyAlsoPrefix: false, exactEnd: false });
    expect(s3ProfileCapabilities('minio', { listing: { maxPageSize: 10 } }).listing).toMatchObject({ anyDelimiter: false, keyAlsoPrefix: false, maxPageSize: 10 });
  });

  it('networkErrorCode walks cause and originalError', () => {
    expect(networkErrorCode(Object.assign(new Error('x'), { cause: { code: 'ECONNREFUSED' } }))).toBe('ECONNREFUSED');
    expect(networkErrorCode({ originalError: { code: 'NetworkingError' } })).toBe('NetworkingError');
    expect(networkErrorCode(new Error('socket hang up'))).toBe('ECONNRESET');
    expect(networkErrorCode({ code: 'TimeoutError' })).toBeUndefined();
    expect(networkErrorCode({ code: 'TimeoutError' }, ['TimeoutError'])).toBe('TimeoutError');
    expect(networkErrorCode(new AccessDeniedError())).toBeUndefined();
  });

  it('config values coerce URL strings and name the setting they refuse', () => {
    const c = { s: 9000, t: 'true', z: '0', p: '9443', bad: {}, empty: '' };
    expect(configString(c, 's')).toBe('9000');
    expect(configString(c, 'empty')).toBeUndefined();
    expect(configBoolean(c, 't')).toBe(true);
    expect(configBoolean(c, 'z')).toBe(false);
    expect(configPort(c, 'p')).toBe(9443);
    expect(() => configString(c, 'bad')).toThrow(/config\.bad/);
    expect(() => configBoolean(c, 'p')).toThrow(/must be true or false/);
    expect(() => configPort({ p: 70000 }, 'p')).toThrow(/port number/);
  });
});
