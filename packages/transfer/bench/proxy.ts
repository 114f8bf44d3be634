import { createServer, connect, type Socket, type Server } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 that makes each connection look like a WAN link to
 * an object store: every byte is delayed by `latencyMs` and each direction of
 * each connection is paced to `bytesPerSecond`. Per connection, as a TCP flow
 * through a congested path is: more connections get more bandwidth. Bounded
 * memory: a direction holding more than `maxQueued` bytes (default 4× the
 * bandwidth-delay product, at least 4 MiB) pauses its source.
 */
export interface ThrottleProxy {
  port: number;
  close(): Promise<void>;
}

export async function startThrottleProxy(options: { targetHost: string; targetPort: number; bytesPerSecond: number; latencyMs: number; maxQueued?: number }): Promise<ThrottleProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(options.targetPort, options.targetHost);
    sockets.add(client);
    sockets.add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    pipe(client, upstream, options);
    pipe(upstream, client, options);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy did not bind');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function pipe(from: Socket, to: Socket, o: { bytesPerSecond: number; latencyMs: number; maxQueued?: number }): void {
  // Well above the bandwidth-delay product (40 MiB/s × 20 ms = 0.8 MiB), or the proxy itself would stall the flow.
  const maxQueued = o.maxQueued ?? Math.max(4 * 1024 * 1024, 4 * o.bytesPerSecond * (o.latencyMs / 1000));
  const queue: Array<{ at: number; chunk: Buffer }> = [];
  let queued = 0;
  let nextFree = 0; // when the paced link is free again (ms, performance.now clock)
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const SLICE = 64 * 1024;

  from.on('data', (data: Buffer) => {
    // Cut into slices so pacing is smooth; each slice leaves after the latency and once the link is free.
    for (let i = 0; i < data.length; i += SLICE) {
      const chunk = data.subarray(i, i + SLICE);
      const now = performance.now();
      const start = Math.max(now, nextFree);
      nextFree = start + (chunk.length / o.bytesPerSecond) * 1000;
      queue.push({ at: nextFree + o.latencyMs, chunk });
      queued += chunk.length;
    }
    if (queued > maxQueued) from.pause();
    schedule();
  });
  from.on('end', () => {
    ended = true;
    schedule();
  });

  function schedule() {
    if (timer) return;
    const head = queue[0];
    if (!head) {
      if (ended) to.end();
      return;
    }
    timer = setTimeout(flush, Math.max(0, head.at - performance.now()));
  }
  function flush() {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.at <= now + 1) {
      const { chunk } = queue.shift()!;
      queued -= chunk.length;
      if (!to.destroyed) to.write(chunk);
    }
    if (queued <= maxQueued / 2 && from.isPaused()) from.resume();
    schedule();
  }
}
