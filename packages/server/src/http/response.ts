import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RequestContext } from './context.js';

export type HeaderValues = Record<string, string | number | undefined>;

function setHeaders(ctx: RequestContext, headers: HeaderValues): void {
  const res = ctx.res;
  res.setHeader('x-amz-request-id', ctx.requestId);
  res.setHeader('x-amz-id-2', ctx.requestId);
  res.setHeader('Server', 'Stowage');
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, typeof value === 'number' ? String(value) : value);
}

/** Ends the response with a small body (or none). */
export function send(ctx: RequestContext, status: number, headers: HeaderValues = {}, body?: string | Buffer): void {
  const res = ctx.res;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  setHeaders(ctx, headers);
  if (!res.hasHeader('content-length') && status !== 204 && status !== 304) res.setHeader('Content-Length', String(payload?.length ?? 0));
  // A body we never read (an error before it): close rather than drain it.
  if (ctx.hasBody && !ctx.req.readableEnded) res.setHeader('Connection', 'close');
  res.statusCode = status;
  res.end(ctx.method === 'HEAD' ? undefined : payload);
}

export function sendXml(ctx: RequestContext, status: number, xml: string, headers: HeaderValues = {}): void {
  send(ctx, status, { 'Content-Type': 'application/xml', ...headers }, xml);
}

/**
 * Streams a body to the client with backpressure (nothing buffered beyond the
 * socket's high-water mark). If the client goes away, the source is cancelled.
 */
export async function sendStream(ctx: RequestContext, status: number, headers: HeaderValues, body: ReadableStream<Uint8Array>): Promise<void> {
  const res = ctx.res;
  setHeaders(ctx, headers);
  res.statusCode = status;
  if (ctx.method === 'HEAD') {
    await body.cancel().catch(() => {});
    res.end();
    return;
  }
  const source = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>, { highWaterMark: 64 * 1024 });
  try {
    await pipeline(source, res);
  } catch {
    // The client went away or the source failed mid-body: the status line is
    // gone, so the only signal left is cutting the connection.
    res.destroy();
  }
}
