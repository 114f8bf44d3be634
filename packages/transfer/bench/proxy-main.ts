/** Runs the throttling proxy as its own process (so its CPU is not the client's): prints its port, runs until killed. */
import { startThrottleProxy } from './proxy.js';

const [host, port, rate, latency] = process.argv.slice(2);
const proxy = await startThrottleProxy({ targetHost: host!, targetPort: Number(port), bytesPerSecond: Number(rate), latencyMs: Number(latency) });
console.log(JSON.stringify({ port: proxy.port }));
process.on('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
