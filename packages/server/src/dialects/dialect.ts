import type { Store } from '@stowage/core';
import type { AuthResult } from '../auth/authenticate.js';
import type { RequestContext, ServerInfo } from '../http/context.js';

/**
 * A wire protocol served over a Store: S3 today; MediaStore Data (JSON errors,
 * its own routes) and IBM COS (S3 plus extensions) build on the same HTTP and
 * SigV4 plumbing. The server authenticates every request with the dialect's
 * SigV4 service name before `handle` runs, and hands any error to `sendError`.
 */
export interface Dialect {
  readonly name: string;
  /** The SigV4 service name clients sign for (`s3`, `mediastore`…). */
  readonly service: string;
  /** Header-signed requests must carry `x-amz-content-sha256` (true for S3). */
  readonly requirePayloadHashHeader: boolean;
  /**
   * Optional: authenticates a request the dialect's own way (IBM COS: IAM bearer
   * tokens; an unauthenticated token endpoint), calling `sigv4()` for the
   * default SigV4 check. Absent: SigV4 only.
   */
  authenticate?(ctx: RequestContext, sigv4: () => AuthResult): AuthResult | undefined;
  handle(ctx: RequestContext): Promise<void>;
  /** Renders an error (an HttpError, a StowageError or anything thrown) in the dialect's format. */
  sendError(ctx: RequestContext, error: unknown): void;
}

/** Builds a dialect over the store the server serves. */
export type DialectFactory = (store: Store, server: ServerInfo) => Dialect;
