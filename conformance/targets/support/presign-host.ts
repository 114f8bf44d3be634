import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isStowageError, Store, type Driver } from '@stowage/core';

export interface PresignRequest {
  bucket: string;
  key: string;
  method: 'GET' | 'PUT';
  expiresIn: number;
  versionId?: string;
  contentType?: string;
}

/**
 * A minimal HTTP endpoint for presigned URLs over an in-process driver, so the
 * memory target can run the presign cases with real `fetch` calls. URLs are
 * `http://127.0.0.1:<port>/<bucket>/~<key>?X-Stowage-…` with an HMAC-SHA256
 * over method, bucket, key, version, content type and expiry; expiry is judged
 * by the store's clock (the ManualClock), so the suite can advance past it.
 * Any extra or altered query parameter, another path or another method is 403.
 * (`memory@server` replaces this with @stowage/server.)
 */
export class PresignHost {
  private readonly secret = randomBytes(32);
  private server: Server | undefined;
  private port = 0;
  private store: Store | undefined;
  private clock: () => Date = () => new Date();

  /** The `presign` function for MemoryDriverOptions. */
  readonly presign = async (req: PresignRequest): Promise<string> => {
    if (!this.server) await this.start();
    const expires = Math.floor(this.clock().getTime() / 1000) + req.expiresIn;
    const params = new URLSearchParams();
    params.set('X-Stowage-Method', req.method);
    params.set('X-Stowage-Expires', String(expires));
    if (req.versionId !== undefined) params.set('X-Stowage-Version', req.versionId);
    if (req.contentType !== undefined) params.set('X-Stowage-Content-Type', req.contentType);
    params.set('X-Stowage-Signature', this.sign(req.method, req.bucket, req.key, String(expires), req.versionId, req.contentType));
    return `http://127.0.0.1:${this.port}/${encodeURIComponent(req.bucket)}/~${encodeURIComponent(req.key)}?${params}`;
  };

  /** Serves the driver's objects (call once the driver exists). */
  attach(driver: Driver, clock: () => Date): void {
    this.store = new Store(driver, { retry: false });
    this.clock = clock;
  }

  private async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(e));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private sign(method: string, bucket: string, key: string, expires: string, versionId: string | undefined, contentType: string | undefined): string {
    return createHmac('sha256', this.secret)
      .update(JSON.stringify([method, bucket, key, expires, versionId ?? null, contentType ?? null]))
      .digest('hex');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const deny = (status: number, why: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(why);
    };
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/([^/]+)\/~(.*)$/.exec(url.pathname);
    if (!m || !this.store) return deny(403, 'not a presigned URL');
    let bucket: string;
    let key: string;
    try {
      bucket = decodeURIComponent(m[1]!);
      key = decodeURIComponent(m[2]!);
    } catch {
      return deny(403, 'bad path');
    }
    const q = url.searchParams;
    const known = new Set(['X-Stowage-Method', 'X-Stowage-Expires', 'X-Stowage-Version', 'X-Stowage-Content-Type', 'X-Stowage-Signature']);
    for (const name of q.keys()) if (!known.has(name)) return deny(403, `unsigned parameter ${name}`);
    const method = q.get('X-Stowage-Method') ?? '';
    const expires = q.get('X-Stowage-Expires') ?? '';
    const versionId = q.get('X-Stowage-Version') ?? undefined;
    const contentType = q.get('X-Stowage-Content-Type') ?? undefined;
    const given = Buffer.from(q.get('X-Stowage-Signature') ?? '', 'hex');
    const expected = Buffer.from(this.sign(method, bucket, key, expires, versionId, contentType), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return deny(403, 'signature does not match');
    if (req.method !== method) return deny(403, `signed for ${method}`);
    if (!/^\d+$/.test(expires) || Number(expires) * 1000 < this.clock().getTime()) return deny(403, 'expired');
    try {
      if (method === 'GET') {
        const got = await this.store.get(bucket, key, versionId ? { versionId } : {});
        const headers: Record<string, string> = { etag: got.info.etag, 'content-length': String(got.info.size) };
        if (got.info.contentType) headers['content-type'] = got.info.contentType;
        res.writeHead(200, headers);
        for await (const chunk of got.body) res.write(chunk);
        res.end();
        return;
      }
      const type = req.headers['content-type'];
      if (contentType !== undefined && type !== contentType) return deny(403, 'content type differs from the signed one');
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const put = await this.store.put(bucket, key, new Uint8Array(Buffer.concat(chunks)), type ? { contentType: type } : {});
      res.writeHead(200, { etag: put.etag });
      res.end();
    } catch (e) {
      if (isStowageError(e) && (e.code === 'ObjectNotFound' || e.code === 'VersionNotFound' || e.code === 'BucketNotFound')) return deny(404, e.code);
      if (isStowageError(e)) return deny(e.statusCode ?? 400, e.code);
      throw e;
    }
  }
}
