import { AsyncLocalStorage } from 'node:async_hooks';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { AbortedError, abortError } from '@stowage/core';

/**
 * The state of one driver call, carried to the HTTP layer with
 * AsyncLocalStorage (the MinIO client takes no AbortSignal and hides its
 * responses' status on most errors, so both come from here).
 */
export interface CallContext {
  readonly signal: AbortSignal | undefined;
  /** Requests of this call not yet closed, with the socket each was given. */
  readonly active: Map<http.ClientRequest, Socket | undefined>;
  /** Status and headers of the last response this call got. */
  status?: number;
  headers?: http.IncomingHttpHeaders;
  /**
   * The body of the last answer the client drops unread: with its retries off
   * it turns a 408/429/499/5xx into `Error('Request failed after 0 retries…')`
   * and never reads the XML that says why. Collected here (bounded).
   */
  droppedBody?: Promise<string>;
  aborted: boolean;
}

/** Statuses the MinIO client's request layer throws on before reading the body (its retry list). */
const CLIENT_RETRY_STATUSES = new Set([408, 429, 499, 500, 502, 503, 504, 520]);
const MAX_DROPPED_BODY = 64 * 1024;

const calls = new AsyncLocalStorage<CallContext>();

/** The context of the driver call running now, if any. */
export function currentCall(): CallContext | undefined {
  return calls.getStore();
}

export interface TransportOptions {
  useSSL: boolean;
  /** Trusted CA certificates (PEM) for TLS; default the system's. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** `false` accepts any server certificate (tests only). Default true. */
  rejectUnauthorized?: boolean;
  /** A custom agent (e.g. a proxy agent); then `ca` / `rejectUnauthorized` are the agent's business. */
  agent?: http.Agent;
  /** An HTTP proxy URL (`http://host:port`, optionally with user:password): requests are tunnelled with CONNECT. */
  proxy?: string;
  /** Sockets per origin (default 64). */
  maxSockets?: number;
}

/**
 * The MinIO client's `transport`: node's http/https `request` on the
 * adapter's own keep-alive agent, recording for the running call which
 * requests and sockets are its own. Aborting a call destroys exactly those
 * sockets (the client has no other way to stop a request in flight), so a
 * long GET or PUT stops at once and other calls' connections are untouched.
 */
export class AbortableTransport {
  readonly agent: http.Agent;
  private readonly module: typeof http | typeof https;
  private readonly ownsAgent: boolean;

  constructor(options: TransportOptions) {
    this.module = options.useSSL ? https : http;
    this.ownsAgent = options.agent === undefined;
    if (options.agent) {
      this.agent = options.agent;
    } else if (options.proxy) {
      this.agent = new TunnelAgent(new URL(options.proxy), options);
    } else {
      const common = { keepAlive: true, maxSockets: options.maxSockets ?? 64, scheduling: 'lifo' as const };
      this.agent = options.useSSL
        ? new https.Agent({ ...common, ...(options.ca !== undefined ? { ca: options.ca } : {}), rejectUnauthorized: options.rejectUnauthorized ?? true })
        : new http.Agent(common);
    }
  }

  /** What the MinIO client calls for every request (its `Transport` is `{ request }`). */
  readonly request = (options: http.RequestOptions, callback?: (res: http.IncomingMessage) => void): http.ClientRequest => {
    const call = calls.getStore();
    const req = this.module.request({ ...options, agent: this.agent }, (res) => {
      if (call) {
        call.status = res.statusCode;
        call.headers = res.headers;
        if (res.statusCode !== undefined && CLIENT_RETRY_STATUSES.has(res.statusCode)) call.droppedBody = collect(res);
      }
      callback?.(res);
    });
    if (call) {
      call.active.set(req, undefined);
      req.once('socket', (socket: Socket) => {
        if (call.active.has(req)) call.active.set(req, socket);
      });
      req.once('close', () => call.active.delete(req));
      if (call.aborted) process.nextTick(() => req.destroy(new AbortedError('The operation was aborted')));
    }
    return req;
  };

  /**
   * Runs one driver call: `fn` sees this call's context, and an abort of
   * `signal` destroys the call's sockets and rejects at once (the client's own
   * promise may settle later; its rejection is then ignored). A call that
   * returns a body still streaming (a GET) stops listening when it returns:
   * the body's owner cancels it, which destroys that response's socket.
   */
  async run<T>(signal: AbortSignal | undefined, fn: (call: CallContext) => Promise<T>): Promise<T> {
    const call: CallContext = { signal, active: new Map(), aborted: false };
    if (signal?.aborted) throw abortError(signal);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        call.aborted = true;
        destroyCall(call);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => {});
    const work = calls.run(call, () => fn(call));
    try {
      return await (signal ? Promise.race([work, aborted]) : work);
    } catch (e) {
      // An answer the client threw on without reading leaves its socket busy: free it.
      for (const [req] of call.active) {
        const res = (req as http.ClientRequest & { res?: http.IncomingMessage }).res;
        if (res && !res.complete && !res.readableFlowing) req.destroy();
      }
      throw e;
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      work.catch(() => {});
    }
  }

  /** Closes idle keep-alive sockets (and, for an agent of our own, every socket). */
  close(): void {
    if (this.ownsAgent) this.agent.destroy();
  }
}

/** Destroys every request and socket still open for a call. */
export function destroyCall(call: CallContext): void {
  const error = new AbortedError('The operation was aborted');
  for (const [req, socket] of call.active) {
    socket?.destroy(error);
    req.destroy(error);
  }
  call.active.clear();
}

function collect(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      if (size < MAX_DROPPED_BODY) chunks.push(c);
      size += c.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/**
 * An agent that reaches every origin through an HTTP proxy's CONNECT tunnel
 * (TLS, when the endpoint uses it, runs end to end inside the tunnel). Keeps
 * tunnels alive like any keep-alive agent.
 */
class TunnelAgent extends https.Agent {
  constructor(
    private readonly proxy: URL,
    private readonly target: TransportOptions,
  ) {
    super({ keepAlive: true, maxSockets: target.maxSockets ?? 64, ...(target.ca !== undefined ? { ca: target.ca } : {}), rejectUnauthorized: target.rejectUnauthorized ?? true });
    if (proxy.protocol !== 'http:') throw new TypeError('proxy must be an http:// URL');
    // node checks the agent's protocol against the request's: the tunnel serves plain HTTP too.
    (this as unknown as { protocol: string }).protocol = target.useSSL ? 'https:' : 'http:';
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const done = (err: Error | null, socket?: Socket) => callback?.(err, socket as Duplex);
    const host = options.host ?? options.hostname ?? 'localhost';
    const port = Number(options.port ?? (this.target.useSSL ? 443 : 80));
    const headers: Record<string, string> = { host: `${host}:${port}` };
    if (this.proxy.username) {
      headers['proxy-authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`).toString('base64')}`;
    }
    const connect = http.request({
      host: this.proxy.hostname,
      port: Number(this.proxy.port || 80),
      method: 'CONNECT',
      path: `${host.includes(':') ? `[${host}]` : host}:${port}`,
      headers,
      agent: false,
    });
    connect.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        done(new Error(`proxy ${this.proxy.host} refused CONNECT ${host}:${port} (${res.statusCode})`));
        return;
      }
      if (!this.target.useSSL) {
        done(null, socket);
        return;
      }
      const tlsOptions = options as tls.ConnectionOptions;
      const secure = tls.connect({ ...tlsOptions, socket, servername: tlsOptions.servername ?? (isIp(host) ? undefined : host) });
      secure.once('secureConnect', () => done(null, secure));
      secure.once('error', (e) => done(e));
    });
    connect.once('error', (e) => done(e));
    connect.end();
    return undefined;
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
