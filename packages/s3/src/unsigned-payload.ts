import type { S3Client } from '@aws-sdk/client-s3';
import { mayLeavePayloadUnsigned, type PayloadSigning } from '@stowage/core';

type Headers = Record<string, string>;

/**
 * Marks in-memory PUT bodies `UNSIGNED-PAYLOAD` where core's rule allows it
 * (a server-verified checksum binds the body to the signature), so the signer
 * does not hash every byte again. Streams are left alone: the SDK sends them
 * unsigned already.
 */
export function useUnsignedPayload(client: S3Client, signing: PayloadSigning, protectedTransport: boolean): void {
  if (signing === 'always') return;
  client.middlewareStack.addRelativeTo(
    ((next: (args: { request: unknown }) => Promise<unknown>) => async (args: { request: unknown }) => {
      const request = args.request as { method?: string; headers?: Headers; body?: unknown } | undefined;
      if (request?.headers && request.method === 'PUT' && request.body instanceof Uint8Array && request.body.byteLength > 0) {
        if (mayLeavePayloadUnsigned(signing, request.headers, protectedTransport)) request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      }
      return next(args);
    }) as never,
    { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'stowageUnsignedPayload', override: true },
  );
}
