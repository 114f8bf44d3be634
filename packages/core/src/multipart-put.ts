import type { Driver } from './driver.js';
import { abortError } from './retry/retry-policy.js';
import type { Store } from './store.js';
import type { CompletedPart, PutResult } from './types.js';

type PutRequest = Omit<Parameters<Driver['putObject']>[0], 'body' | 'signal' | 'contentLength'>;

/**
 * The unknown-length fallback of `Store.put`: parts of `partSize` bytes uploaded
 * one after another, the first from the bytes already buffered. The upload is
 * aborted on any failure. Parallel, resumable uploads are @stowage/transfer's job.
 */
export async function multipartPut(
  store: Store,
  request: PutRequest,
  rawMetadata: Record<string, string> | undefined,
  buffered: Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
  partSize: number,
  signal: AbortSignal | undefined,
): Promise<PutResult> {
  const upload = await store.createMultipartUpload(request.bucket, request.key, {
    metadata: rawMetadata,
    contentType: request.contentType,
    cacheControl: request.cacheControl,
    contentDisposition: request.contentDisposition,
    contentEncoding: request.contentEncoding,
    retention: request.retention,
    legalHold: request.legalHold,
    signal,
  });
  const parts: CompletedPart[] = [];
  let pending = buffered;
  let pendingSize = buffered.reduce((n, c) => n + c.length, 0);
  let ended = false;
  try {
    while (!ended || pendingSize > 0) {
      while (!ended && pendingSize < partSize) {
        if (signal?.aborted) throw abortError(signal);
        const { value, done } = await reader.read();
        if (done) ended = true;
        else {
          pending.push(value);
          pendingSize += value.length;
        }
      }
      if (pendingSize === 0 && parts.length > 0) break;
      const bytes = take(pending, Math.min(partSize, pendingSize));
      pendingSize -= bytes.length;
      const part = await store.uploadPart(upload, parts.length + 1, bytes, { signal });
      parts.push(part);
    }
    return await store.completeMultipartUpload(upload, parts, { signal, ifNoneMatch: request.ifNoneMatch });
  } catch (e) {
    await reader.cancel().catch(() => {});
    await store.abortMultipartUpload(upload).catch(() => {});
    throw e;
  }

  function take(chunks: Uint8Array[], n: number): Uint8Array {
    const out = new Uint8Array(n);
    let offset = 0;
    while (offset < n) {
      const c = chunks[0]!;
      const need = n - offset;
      if (c.length <= need) {
        out.set(c, offset);
        offset += c.length;
        chunks.shift();
      } else {
        out.set(c.subarray(0, need), offset);
        chunks[0] = c.subarray(need);
        offset += need;
      }
    }
    pending = chunks;
    return out;
  }
}
