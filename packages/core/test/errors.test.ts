import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  BucketNotFoundError,
  InvalidArgumentError,
  isNotFound,
  isStowageError,
  NotSupportedError,
  ObjectLockedError,
  ObjectNotFoundError,
  ProviderError,
  redact,
  registerSecret,
  StowageError,
  ThrottledError,
  UploadNotFoundError,
  VersionNotFoundError,
} from '../src/index.js';

describe('error taxonomy', () => {
  it('gives every error a stable code, provider, retryable flag and request id', () => {
    const e = new ThrottledError('slow down', { provider: 's3', requestId: 'req-1', statusCode: 503 });
    expect(e.code).toBe('Throttled');
    expect(e.retryable).toBe(true);
    expect(e.provider).toBe('s3');
    expect(e.requestId).toBe('req-1');
    expect(e).toBeInstanceOf(StowageError);
    expect(e).toBeInstanceOf(Error);
    expect(new AccessDeniedError().retryable).toBe(false);
  });
  it('tells the not-found kinds apart', () => {
    const kinds = [
      new BucketNotFoundError('b'),
      new ObjectNotFoundError('b', 'k'),
      new VersionNotFoundError('b', 'k', 'v1'),
      new UploadNotFoundError('b', 'k', 'u1'),
    ];
    expect(kinds.map((k) => k.code)).toEqual(['BucketNotFound', 'ObjectNotFound', 'VersionNotFound', 'UploadNotFound']);
    expect(kinds.every(isNotFound)).toBe(true);
    expect(isNotFound(new AccessDeniedError())).toBe(false);
  });
  it('carries the field, the capability and the lock reason', () => {
    expect(new InvalidArgumentError('key', 'bad').field).toBe('key');
    expect(new NotSupportedError('objectLock.governance').capability).toBe('objectLock.governance');
    expect(new ObjectLockedError('legal-hold', 'held').reason).toBe('legal-hold');
  });
  it('is recognised across package copies through the Symbol.for brand', () => {
    const foreign = { [Symbol.for('@stowage/core/error')]: true, code: 'ObjectNotFound' };
    expect(isStowageError(foreign)).toBe(true);
    expect(isStowageError(foreign, 'ObjectNotFound')).toBe(true);
    expect(isStowageError(foreign, 'BucketNotFound')).toBe(false);
    expect(isStowageError(new Error('plain'))).toBe(false);
    expect(isStowageError(null)).toBe(false);
  });
  it('keeps the native error as cause', () => {
    const native = new Error('native');
    expect(new ProviderError('x', { cause: native }).cause).toBe(native);
  });
});

describe('redaction', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const token = 'FwoGZXIvYXdzEJr//////////wEaDNotARealSessionToken';
  const sseKey = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';

  function nativeErrorFullOfSecrets() {
    const native = new Error(`The request signature we calculated does not match. StringToSign: x Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, Signature=abcdef0123456789abcdef0123456789 key=${secret}`) as Error & Record<string, unknown>;
    native.name = 'SignatureDoesNotMatch';
    native.$metadata = { httpStatusCode: 403, requestId: 'r1' };
    native.$response = { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE', 'x-amz-security-token': token, 'x-amz-server-side-encryption-customer-key': sseKey } };
    native.config = { credentials: { secretAccessKey: secret, sessionToken: token } };
    return native;
  }

  it('util.inspect at depth 9 and JSON.stringify never show keys, tokens, SSE-C keys or signatures', () => {
    registerSecret(secret);
    registerSecret(token);
    registerSecret(sseKey);
    const error = new AccessDeniedError(`denied for https://b.s3/k?X-Amz-Signature=deadbeefdeadbeef&X-Amz-Credential=AKID%2F2026 with secret ${secret}`, {
      provider: 's3',
      cause: nativeErrorFullOfSecrets(),
    });
    const outputs = [inspect(error, { depth: 9 }), JSON.stringify(error), String(error), error.stack ?? '', inspect({ wrapped: error }, { depth: 9 })];
    for (const text of outputs) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(token);
      expect(text).not.toContain(sseKey);
      expect(text).not.toContain('deadbeefdeadbeef');
      expect(text).not.toContain('abcdef0123456789abcdef0123456789');
      expect(text).not.toContain('AKIDEXAMPLE/2026');
    }
    // still useful: the code and the native error's name and status survive
    expect(JSON.stringify(error)).toContain('AccessDenied');
    expect(JSON.stringify(error)).toContain('SignatureDoesNotMatch');
    expect(inspect(error)).toContain('403');
  });

  it('redacts patterns even for secrets never registered', () => {
    const text = redact('GET /?X-Amz-Signature=0123abcd0123abcd&X-Amz-Security-Token=tok123 Authorization: Bearer eyJhbGciOi.payload.sig');
    expect(text).not.toMatch(/0123abcd0123abcd|tok123|eyJhbGciOi/);
  });
});
