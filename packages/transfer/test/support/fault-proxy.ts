import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A small HTTP proxy on 127.0.0.1 in front of a real S3 server, for tests: it
 * records every request and injects faults at seeded rates.
 *
 * Requests are forwarded with their headers unchanged (SigV4 signs the Host
 * header the client sent, which the server checks against the same header).
 */
export const FAULT_KINDS = ['resetBeforeBody', 'resetMidBody', 'status500', 'slowDown503', 'stall', 'truncatedBody'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  partNumber?: number;
  uploadId?: string;
  fault?: FaultKind;
  held?: boolean;
}

export interface FaultProxyOptions {
  /** e.g. http://127.0.0.1:9000 */
  target: string;
  /** Probability of each fault kind per request (0..1); kinds not listed never fire. */
  rates?: Partial<Record<FaultKind, number>>;
  /** PRNG seed (mulberry32): the same seed draws the same sequence of decisions. */
  seed?: number;
  /** Requests for which this returns true are held (never forwarded, never answered) until the client gives up or the proxy closes. */
  hold?: (r: LoggedRequest) => boolean;
  /** Faults only for requests this accepts (default: all). */
  eligible?: (r: LoggedRequest) => boolean;
}

export interface FaultProxy {
  readonly url: string;
  readonly log: LoggedRequest[];
  readonly counters: Record<FaultKind, number>;
  /** Turns faults off (true) or on. */
  pause(paused: boolean): void;
  close(): Promise<void>;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether a forwarded-then-broken answer could leave state the client never learns of (a lost CreateMultipartUpload answer orphans an upload). */
function isCreateMultipart(r: LoggedRequest): boolean {
  return r.method === 'POST' && r.query.has('uploads');
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...(status === 503 ? { 'retry-after': '0' } : {}) });
  res.end(body);
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = mulberry32(options.seed ?? 1);
  const rates = options.rates ?? {};
  const counters = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const log: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let paused = false;

  const draw = (r: LoggedRequest): FaultKind | undefined => {
    if (paused || (options.eligible && !options.eligible(r))) return undefined;
    const x = random();
    let acc = 0;
    for (const kind of FAULT_KINDS) {
      let rate = rates[kind] ?? 0;
      if ((kind === 'resetMidBody' || kind === 'truncatedBody') && isCreateMultipart(r)) rate = 0;
      acc += rate;
      if (x < acc) return kind;
    }
    return undefined;
  };

  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://proxy');
    const entry: LoggedRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams };
    const pn = u.searchParams.get('partNumber');
    if (pn !== null) entry.partNumber = Number(pn);
    const id = u.searchParams.get('uploadId');
    if (id !== null) entry.uploadId = id;
    log.push(entry);
    if (options.hold?.(entry)) {
      entry.held = true;
      req.resume();
      return;
    }
    const fault = draw(entry);
    if (fault) {
      entry.fault = fault;
      counters[fault]++;
    }
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const socket = req.socket;
    switch (fault) {
      case 'resetBeforeBody':
        socket.resetAndDestroy();
        return;
      case 'status500':
      case 'slowDown503':
        req.resume();
        req.on('end', () => (fault === 'status500' ? s3Error(res, 500, 'InternalError', 'injected') : s3Error(res, 503, 'SlowDown', 'Please reduce your request rate (injected)')));
        return;
      case 'stall':
        if (hasBody || req.method !== 'GET') {
          // No answer: the client's attempt timeout has to give up.
          req.resume();
          return;
        }
        break; // a GET: half the body, then silence (the client's idle body timeout), below
      case 'resetMidBody':
        if (hasBody) {
          const half = Math.max(1, Math.floor(Number(req.headers['content-length'] ?? 2) / 2));
          let seen = 0;
          req.on('data', (c: Buffer) => {
            seen += c.length;
            if (seen >= half && !socket.destroyed) socket.resetAndDestroy();
          });
          return;
        }
        break; // no request body: reset mid response body, below
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      (ures) => {
        const length = Number(ures.headers['content-length'] ?? 0);
        const breakAt = (fault === 'truncatedBody' || fault === 'resetMidBody' || fault === 'stall') && length > 0 ? Math.floor(length / 2) : -1;
        res.writeHead(ures.statusCode ?? 502, ures.headers);
        if (breakAt < 0) {
          ures.pipe(res);
          return;
        }
        let sent = 0;
        ures.on('data', (c: Buffer) => {
          if (socket.destroyed) return;
          const n = Math.min(c.length, breakAt - sent);
          if (n > 0) res.write(c.subarray(0, n));
          sent += n;
          if (sent >= breakAt) {
            ures.destroy();
            // truncated: a clean close (FIN) short of Content-Length; reset: RST; stall: nothing more, socket left open
            if (fault === 'truncatedBody') socket.end();
            else if (fault === 'resetMidBody') socket.resetAndDestroy();
          }
        });
      },
    );
    upstream.on('error', () => {
      if (!socket.destroyed) socket.destroy();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    counters,
    pause(p: boolean) {
      paused = p;
    },
    async close() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
