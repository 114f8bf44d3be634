/**
 * The server process of the RSS benchmark: @stowage/server over the counting
 * store on a free port. Prints `READY <url>` then serves until stdin closes.
 */
import { startServer } from '../src/index.js';
import { countingStore } from './counting-store.js';

const { store, counted } = countingStore();
const server = await startServer({ store, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench-secret' } });
console.log(`READY ${server.url}`);
process.stdin.resume();
process.stdin.on('end', () => {
  console.log(`COUNTED ${counted()}`);
  void server.close().then(() => process.exit(0));
});
