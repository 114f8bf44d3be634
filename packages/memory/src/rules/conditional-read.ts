import type { ReadConditions } from '@stowage/core';
import { etagMatches } from './etag-match.js';

export interface ConditionalReadContext {
  object: { etag: string; lastModified: Date };
  conditions: ReadConditions;
  /** `read` (get / head) or `copy` (conditions on a copy source). */
  operation: 'read' | 'copy';
}

export interface ReadConditionFailure {
  /** `PreconditionFailed` (412) or `NotModified` (304, get and head only). */
  error: 'PreconditionFailed' | 'NotModified';
  message: string;
}

/** HTTP dates have whole seconds. */
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * RFC 7232 evaluation with S3's precedence: If-Match, else If-Unmodified-Since
 * (412 on failure); then If-None-Match, else If-Modified-Since (304 on get /
 * head, 412 on a copy source). So If-Match true + If-Unmodified-Since false
 * reads, and If-None-Match false + If-Modified-Since true is 304.
 */
export function conditionalRead(ctx: ConditionalReadContext): ReadConditionFailure | null {
  const { object, conditions } = ctx;
  if (conditions.ifMatch !== undefined) {
    if (!etagMatches(conditions.ifMatch, object.etag)) return { error: 'PreconditionFailed', message: `ETag ${object.etag} does not match If-Match ${conditions.ifMatch}` };
  } else if (conditions.ifUnmodifiedSince !== undefined && seconds(object.lastModified) > seconds(conditions.ifUnmodifiedSince)) {
    return { error: 'PreconditionFailed', message: `Modified at ${object.lastModified.toISOString()}, after If-Unmodified-Since` };
  }
  const notModified = ctx.operation === 'read' ? 'NotModified' : 'PreconditionFailed';
  if (conditions.ifNoneMatch !== undefined) {
    if (etagMatches(conditions.ifNoneMatch, object.etag)) return { error: notModified, message: `ETag ${object.etag} matches If-None-Match` };
  } else if (conditions.ifModifiedSince !== undefined && seconds(object.lastModified) <= seconds(conditions.ifModifiedSince)) {
    return { error: notModified, message: `Not modified since ${conditions.ifModifiedSince.toISOString()}` };
  }
  return null;
}
