import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerSecret, type Store } from '@stowage/core';
import { createMemoryStore, type MemoryDriverOptions } from '@stowage/memory';
import { authenticate } from '../auth/authenticate.js';
import type { Credentials } from '../auth/sigv4.js';
import type { Dialect, DialectFactory } from '../dialects/dialect.js';
import { s3Dialect, type S3DialectOptions } from '../dialects/s3/s3-dialect.js';
import { RequestContext, type ServerInfo } from './context.js';
import { createPresigner, type PresignFunction, type Presigner } from '../presign.js';

export const DEFAULT_CREDENTIALS: Credentials = { accessKeyId: 'stowage-access', secretAccessKey: 'stowage-secret-key' };

export interface StartServerOptions {
  /**
   * The Store to serve, or a factory given a presign function that signs URLs
   * for this server (for a store, like the memory store, that cannot presign by
   * itself). Default: a new memory store that presigns through this server.
   */
  store?: Store | ((presign: PresignFunction) => Store);
  /** Options of the default memory store (e.g. `capabilities: { multipart: { minPartSize: 5 } }`). */
  memory?: Omit<MemoryDriverOptions, 'presign'>;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** The keys clients sign with: one pair or several (default stowage-access / stowage-secret-key). */
  credentials?: Credentials | readonly Credentials[];
  /** The SigV4 region (default us-east-1). */
  region?: string;
  /** The wire dialect (default S3). */
  dialect?: DialectFactory;
  /** S3 dialect options when `dialect` is not given. */
  s3?: S3DialectOptions;
  /** The clock that signatures and presigned expiries are checked against (default: now). */
  clock?: () => Date;
  /**
   * How far a header-signed request's date may be from `clock` (default 15
   * minutes, as S3). A test that moves a manual `clock` far ahead raises it.
   */
  maxClockSkewMs?: number;
  /** One line per request (method, path, status, ms); default silent. */
  log?: (line: string) => void;
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:43121` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly region: string;
  /** The first (or only) key pair. */
  readonly credentials: Credentials;
  /** The store served. */
  readonly store: Store;
  /** Presigns URLs for this server. */
  readonly presigner: Presigner;
  /** The node:http server. */
  readonly httpServer: Server;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts an S3-compatible server over a Store, on 127.0.0.1 by default. Every
 * request is authenticated with SigV4 (header or presigned query); bodies are
 * streamed end to end (verified on the fly, never buffered whole).
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const keys = Array.isArray(options.credentials) ? [...options.credentials] : [(options.credentials as Credentials | undefined) ?? DEFAULT_CREDENTIALS];
  if (keys.length === 0) throw new TypeError('startServer needs at least one key pair');
  const secrets = new Map<string, string>();
  for (const k of keys) {
    if (!k.accessKeyId || !k.secretAccessKey) throw new TypeError('credentials need accessKeyId and secretAccessKey');
    registerSecret(k.secretAccessKey);
    secrets.set(k.accessKeyId, k.secretAccessKey);
  }
  const now = options.clock ?? (() => new Date());

  // The URL is known once listening; the presigner and the server info read it lazily.
  let url = '';
  const info: ServerInfo = {
    get url() {
      return url;
    },
    region,
    now,
  };
  let presigner: Presigner | undefined;
  const presignFunction: PresignFunction = async (req) => {
    if (!presigner) throw new Error('The server is not listening yet');
    return presigner.presign(req);
  };
  const store =
    options.store === undefined
      ? createMemoryStore({ ...options.memory, presign: presignFunction })
      : typeof options.store === 'function'
        ? options.store(presignFunction)
        : options.store;
  const dialect: Dialect = (options.dialect ?? s3Dialect(options.s3))(store, info);

  const handle = async (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean) => {
    const started = performance.now();
    let ctx: RequestContext;
    try {
      ctx = new RequestContext(req, res, info, expectsContinue);
    } catch (e) {
      res.statusCode = 400;
      res.setHeader('Connection', 'close');
      res.end();
      options.log?.(`${req.method} ${req.url} 400 (unparseable request: ${(e as Error).message})`);
      return;
    }
    try {
      const sigv4 = () =>
        authenticate(ctx, {
          service: dialect.service,
          region,
          secretFor: (id) => secrets.get(id),
          now,
          requirePayloadHashHeader: dialect.requirePayloadHashHeader,
          maxSkewMs: options.maxClockSkewMs,
        });
      ctx.auth = dialect.authenticate ? dialect.authenticate(ctx, sigv4) : sigv4();
      await dialect.handle(ctx);
    } catch (e) {
      if (!res.headersSent && !res.destroyed) dialect.sendError(ctx, e);
      else res.destroy();
    } finally {
      if (!res.writableEnded && !res.destroyed) {
        // A handler that neither answered nor failed: should not happen.
        dialect.sendError(ctx, new Error('no response'));
      }
      options.log?.(`${ctx.method} ${req.url} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`);
    }
  };

  const server = createServer({ requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: 5_000 }, (req, res) => void handle(req, res, false));
  server.on('checkContinue', (req, res) => void handle(req, res, true));
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy(err);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  presigner = createPresigner({ url, credentials: keys[0]!, region, service: dialect.service, now });

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };
  return {
    url,
    host,
    port,
    region,
    credentials: keys[0]!,
    store,
    presigner,
    httpServer: server,
    close,
    [Symbol.asyncDispose]: close,
  };
}
