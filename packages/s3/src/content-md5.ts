import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Operations whose request body S3 requires a checksum for, and which the
 * SDK (since 3.729) covers with a CRC32 header even under `WHEN_REQUIRED`.
 * Servers that predate flexible checksums (Ceph Pacific) refuse those without
 * Content-MD5, so for them this middleware swaps the CRC32 for Content-MD5.
 */
export const CHECKSUM_REQUIRED_OPERATIONS: ReadonlySet<string> = new Set([
  'DeleteObjectsCommand',
  'PutObjectLockConfigurationCommand',
  'PutObjectRetentionCommand',
  'PutObjectLegalHoldCommand',
  'PutBucketLifecycleConfigurationCommand',
  'PutObjectTaggingCommand',
  'PutObjectAclCommand',
]);

type Headers = Record<string, string>;

/** Adds the Content-MD5 middleware to a client (build step, after the SDK's flexible checksums). */
export function useContentMd5(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Headers; body?: unknown } | undefined;
      const command = (context as { commandName?: string }).commandName;
      if (request?.headers && command !== undefined && CHECKSUM_REQUIRED_OPERATIONS.has(command)) {
        const body = request.body;
        const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body instanceof Uint8Array ? body : body === undefined ? Buffer.alloc(0) : undefined;
        if (bytes !== undefined) {
          const headers: Headers = {};
          for (const [name, value] of Object.entries(request.headers)) {
            const lower = name.toLowerCase();
            if (lower.startsWith('x-amz-checksum-') || lower === 'x-amz-sdk-checksum-algorithm' || lower === 'content-md5') continue;
            headers[name] = value;
          }
          headers['content-md5'] = createHash('md5').update(bytes).digest('base64');
          request.headers = headers;
        }
      }
      return next(args);
    },
    { step: 'build', priority: 'low', name: 'stowageContentMd5', override: true },
  );
}
