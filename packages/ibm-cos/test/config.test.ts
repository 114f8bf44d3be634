import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isStowageError, type StowageError } from '@stowage/core';
import { describe, expect, it } from 'vitest';
import { IbmCosDriver, profileCapabilities, resolveConfig, resolveCredentials } from '../src/index.js';

function home(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ibm-cos-home-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function thrown(fn: () => unknown): StowageError {
  try {
    fn();
  } catch (e) {
    if (isStowageError(e)) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

const COS_JSON = JSON.stringify({ apikey: 'file-api-key-123', resource_instance_id: 'crn:file', cos_hmac_keys: { access_key_id: 'file-akid', secret_access_key: 'file-secret-123' } });

describe('credentials: precedence', () => {
  it('explicit config wins over the environment and the files', () => {
    const h = home({ '.bluemix/cos_credentials': COS_JSON });
    const found = resolveCredentials({ apiKey: 'config-key-123', serviceInstanceId: 'crn:config', env: { IBM_API_KEY_ID: 'env-key-123' }, home: h });
    expect(found.source).toBe('config');
    expect(found.auth).toEqual({ kind: 'iam', apiKey: 'config-key-123', serviceInstanceId: 'crn:config' });
  });

  it('the environment comes next (IBM_API_KEY_ID, or AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY)', () => {
    const h = home({ '.bluemix/cos_credentials': COS_JSON });
    expect(resolveCredentials({ env: { IBM_API_KEY_ID: 'env-key-123', IBM_SERVICE_INSTANCE_ID: 'crn:env', IBM_AUTH_ENDPOINT: 'http://127.0.0.1:1/identity/token' }, home: h })).toEqual({
      source: 'environment',
      auth: { kind: 'iam', apiKey: 'env-key-123', serviceInstanceId: 'crn:env', ibmAuthEndpoint: 'http://127.0.0.1:1/identity/token' },
    });
    const hmac = resolveCredentials({ env: { AWS_ACCESS_KEY_ID: 'env-akid', AWS_SECRET_ACCESS_KEY: 'env-secret-123' }, home: h });
    expect(hmac.auth).toEqual({ kind: 'hmac', accessKeyId: 'env-akid', secretAccessKey: 'env-secret-123' });
  });

  it('~/.bluemix/cos_credentials takes preference over ~/.aws/credentials; its HMAC keys mean signature auth', () => {
    const h = home({ '.bluemix/cos_credentials': COS_JSON, '.aws/credentials': '[default]\naws_access_key_id = aws-akid\naws_secret_access_key = aws-secret-123\n' });
    const found = resolveCredentials({ env: {}, home: h });
    expect(found.source).toBe('cos_credentials');
    expect(found.auth).toEqual({ kind: 'hmac', accessKeyId: 'file-akid', secretAccessKey: 'file-secret-123' });
    expect(found.hmac?.accessKeyId).toBe('file-akid');
  });

  it('without HMAC keys, the cos_credentials API key (and instance id) is used', () => {
    const h = home({ '.bluemix/cos_credentials': JSON.stringify({ apikey: 'only-key-123', resource_instance_id: 'crn:x' }) });
    const found = resolveCredentials({ env: {}, home: h });
    expect(found.auth).toEqual({ kind: 'iam', apiKey: 'only-key-123', serviceInstanceId: 'crn:x' });
    expect(found.hmac).toBeUndefined();
  });

  it('~/.aws/credentials last: HMAC keys or ibm_api_key_id, per profile', () => {
    const h = home({ '.aws/credentials': '[default]\naws_access_key_id = aws-akid\naws_secret_access_key = aws-secret-123\n\n[cos]\nibm_api_key_id = aws-file-key-123\nibm_service_instance_id = crn:aws\n' });
    expect(resolveCredentials({ env: {}, home: h }).auth).toEqual({ kind: 'hmac', accessKeyId: 'aws-akid', secretAccessKey: 'aws-secret-123' });
    expect(resolveCredentials({ env: {}, home: h, profile: 'cos' }).auth).toEqual({ kind: 'iam', apiKey: 'aws-file-key-123', serviceInstanceId: 'crn:aws' });
  });

  it('COS_CREDENTIALS_FILE names another cos_credentials file', () => {
    const h = home({ 'elsewhere.json': JSON.stringify({ apikey: 'elsewhere-key-123' }) });
    expect(resolveCredentials({ env: { COS_CREDENTIALS_FILE: join(h, 'elsewhere.json') }, home: home() }).auth).toEqual({ kind: 'iam', apiKey: 'elsewhere-key-123' });
  });
});

describe('credentials: clear errors that show no secret', () => {
  it('a malformed cos_credentials file names the file, not its content', () => {
    const h = home({ '.bluemix/cos_credentials': '{ "apikey": "leaky-secret-value-999", ' });
    const e = thrown(() => resolveCredentials({ env: {}, home: h }));
    expect(e.code).toBe('InvalidArgument');
    expect(e.message).toContain('cos_credentials is not valid JSON');
    expect(JSON.stringify(e)).not.toContain('leaky-secret-value-999');
  });

  it('a file without usable keys, half an HMAC pair, a missing profile: each says what is missing', () => {
    const empty = home({ '.bluemix/cos_credentials': JSON.stringify({ resource_instance_id: 'crn:x' }) });
    expect(thrown(() => resolveCredentials({ env: {}, home: empty })).message).toMatch(/neither cos_hmac_keys .* nor an apikey/);
    const half = home({ '.bluemix/cos_credentials': JSON.stringify({ cos_hmac_keys: { access_key_id: 'a', secret_access_key: '' } }) });
    const e = thrown(() => resolveCredentials({ env: {}, home: half }));
    expect(e.message).toMatch(/both an access key id and a secret access key/);
    const aws = home({ '.aws/credentials': '[other]\naws_access_key_id = x\naws_secret_access_key = super-secret-aws-999\n' });
    const p = thrown(() => resolveCredentials({ env: {}, home: aws }));
    expect(p.message).toMatch(/no \[default\] profile \(profiles: other\)/);
    expect(JSON.stringify(p)).not.toContain('super-secret-aws-999');
    const broken = home({ '.aws/credentials': 'secret-line-without-section-888\n' });
    const b = thrown(() => resolveCredentials({ env: {}, home: broken }));
    expect(b.message).toMatch(/line 1/);
    expect(b.message).not.toContain('secret-line-without-section-888');
  });

  it('no credentials anywhere: says where it looked', () => {
    const e = thrown(() => resolveCredentials({ env: {}, home: home() }));
    expect(e.message).toMatch(/no IBM COS credentials found/);
    expect(e.message).toMatch(/cos_credentials/);
  });

  it('secrets are registered for redaction', () => {
    resolveCredentials({ apiKey: 'redact-me-api-key-777', env: {}, home: home() });
    const e = thrown(() => resolveConfig({ apiKey: 'redact-me-api-key-777', endpoint: 'not a url' }, {}));
    expect((e as StowageError & { field?: string }).field).toBe('config.endpoint');
  });
});

describe('config and profiles', () => {
  it('defaults: IBM Cloud endpoint → ibm-cloud profile, region us-standard, IAM endpoint', () => {
    const c = resolveConfig({ apiKey: 'k-1234' }, {});
    expect(c.endpoint).toBe('https://s3.us.cloud-object-storage.appdomain.cloud');
    expect(c.serverProfile).toBe('ibm-cloud');
    expect(c.region).toBe('us-standard');
    expect(c.ibmAuthEndpoint).toBe('https://iam.cloud.ibm.com/identity/token');
    expect(resolveConfig({ endpoint: 'http://127.0.0.1:7480', accessKeyId: 'a', secretAccessKey: 'b-123' }, {}).serverProfile).toBe('generic');
  });

  it('unknown settings and bad values are refused', () => {
    expect(thrown(() => resolveConfig({ apiKey: 'k-1234', endpont: 'x' } as never, {})).message).toMatch(/config.endpont/);
    expect(thrown(() => resolveConfig({ apiKey: 'k-1234', serverProfile: 'nope' } as never, {})).message).toMatch(/serverProfile/);
    expect(thrown(() => resolveConfig({ apiKey: 'k-1234', ibmAuthEndpoint: 'ftp://x' }, {})).message).toMatch(/http/);
  });

  it('IBM Cloud: COMPLIANCE but not GOVERNANCE, legal hold ids, no If-Match on PutObject, MD5 only', () => {
    const caps = profileCapabilities('ibm-cloud', { canPresign: true });
    expect(caps.objectLock).toMatchObject({ governance: false, compliance: true, legalHold: true, legalHoldIds: true, removeRetention: false });
    expect(caps.conditionalWrite).toEqual({ ifMatch: false, ifNoneMatch: true });
    expect(caps.checksums).toEqual(['md5']);
    expect(caps.maxObjectSize).toBe(10 * 1024 ** 4);
  });

  it('an S3 server profile declares that server (Ceph: no conditional writes, no subset completion)', () => {
    const caps = profileCapabilities('ceph-rgw', { canPresign: true });
    expect(caps.objectLock).toMatchObject({ governance: true, compliance: true, removeRetention: false });
    expect(caps.conditionalWrite).toEqual({ ifMatch: false, ifNoneMatch: false });
    expect(caps.multipart?.completeSubset).toBe(false);
    expect(caps.conditionalCopy).toBe(false);
  });

  it('IAM without HMAC keys cannot presign; with them it can', () => {
    expect(new IbmCosDriver({ apiKey: 'k-1234', endpoint: 'http://127.0.0.1:1' }).capabilities.presign).toBeNull();
    expect(new IbmCosDriver({ apiKey: 'k-1234', accessKeyId: 'a', secretAccessKey: 's-1234', endpoint: 'http://127.0.0.1:1' }).capabilities.presign).not.toBeNull();
    expect(new IbmCosDriver({ apiKey: 'k-1234', accessKeyId: 'a', secretAccessKey: 's-1234', endpoint: 'http://127.0.0.1:1' }).authMode).toBe('iam');
  });
});
