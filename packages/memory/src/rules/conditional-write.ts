import { etagMatches } from './etag-match.js';

export interface ConditionalWriteContext {
  /** The key's current object (undefined when absent or a delete marker is current). */
  current: { etag: string } | undefined;
  ifMatch?: string;
  ifNoneMatch?: '*';
}

export interface WriteConditionFailure {
  /** `PreconditionFailed` (S3 412) or `NoSuchKey` (S3 404: If-Match on a key with no object). */
  error: 'PreconditionFailed' | 'NoSuchKey';
  message: string;
}

/**
 * S3 conditional writes (put, multipart complete): `ifNoneMatch: '*'` fails
 * with 412 when an object exists; `ifMatch` fails with 404 NoSuchKey when
 * none exists and with 412 when its ETag differs.
 */
export function conditionalWrite(ctx: ConditionalWriteContext): WriteConditionFailure | null {
  if (ctx.ifNoneMatch !== undefined && ctx.current !== undefined) {
    return { error: 'PreconditionFailed', message: 'An object exists at the key (If-None-Match: *)' };
  }
  if (ctx.ifMatch !== undefined) {
    if (ctx.current === undefined) return { error: 'NoSuchKey', message: 'No object exists at the key to match (If-Match)' };
    if (!etagMatches(ctx.ifMatch, ctx.current.etag)) {
      return { error: 'PreconditionFailed', message: `The current ETag ${ctx.current.etag} does not match If-Match ${ctx.ifMatch}` };
    }
  }
  return null;
}
