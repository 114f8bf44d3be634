#!/usr/bin/env node
/**
 * stowage-server — a local S3-compatible server over the in-memory store.
 *
 *   pnpm --filter @stowage/server start -- --port 9900 --access-key KEY --secret-key SECRET
 *
 * Options:
 *   --host <addr>              listen address (default 127.0.0.1)
 *   --port <n>                 port (default 9900; 0 = any free port)
 *   --access-key <id>          access key id   (default $STOWAGE_ACCESS_KEY or stowage-access)
 *   --secret-key <secret>      secret key      (default $STOWAGE_SECRET_KEY or stowage-secret-key)
 *   --region <name>            SigV4 region    (default us-east-1)
 *   --min-part-size <bytes>    smallest multipart part but the last (default 5 MiB, as S3)
 *   --virtual-host <suffix>    host suffix for bucket.<suffix> addressing (repeatable; default localhost)
 *   --dialect <name>           s3 (default) or mediastore (the MediaStore Data API, service "mediastore")
 *   --container <name>         with --dialect mediastore: the container served, made at start (default live)
 *   --verbose                  one log line per request
 * Prints the URL and the access key id (never the secret). Stops on SIGINT / SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer } from '../http/server.js';
import { mediaStoreDialect } from '../dialects/mediastore/mediastore-dialect.js';

const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
const { values } = parseArgs({
  args,
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '9900' },
    'access-key': { type: 'string' },
    'secret-key': { type: 'string' },
    region: { type: 'string', default: 'us-east-1' },
    'min-part-size': { type: 'string' },
    'virtual-host': { type: 'string', multiple: true },
    dialect: { type: 'string', default: 's3' },
    container: { type: 'string', default: 'live' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  const text = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  console.log((/\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? '').replace(/^ \* ?/gm, '').trim());
  process.exit(0);
}

if (values.dialect !== 's3' && values.dialect !== 'mediastore') {
  console.error(`--dialect must be s3 or mediastore, got ${values.dialect}`);
  process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got ${values.port}`);
  process.exit(2);
}
const accessKeyId = values['access-key'] ?? process.env.STOWAGE_ACCESS_KEY ?? 'stowage-access';
const secretAccessKey = values['secret-key'] ?? process.env.STOWAGE_SECRET_KEY ?? 'stowage-secret-key';
const minPartSize = values['min-part-size'] === undefined ? undefined : Number(values['min-part-size']);
if (minPartSize !== undefined && (!Number.isInteger(minPartSize) || minPartSize < 0)) {
  console.error('--min-part-size must be a non-negative integer');
  process.exit(2);
}

const server = await startServer({
  host: values.host,
  port,
  region: values.region,
  credentials: { accessKeyId, secretAccessKey },
  memory: minPartSize === undefined ? {} : { capabilities: { multipart: { minPartSize } } },
  s3: values['virtual-host'] ? { virtualHostSuffixes: values['virtual-host'] } : {},
  ...(values.dialect === 'mediastore' ? { dialect: mediaStoreDialect({ container: values.container }) } : {}),
  log: values.verbose ? (line) => console.log(line) : undefined,
});

if (values.dialect === 'mediastore') await server.store.createBucket(values.container);
console.log(`stowage-server listening on ${server.url}${values.dialect === 'mediastore' ? ` (MediaStore Data dialect, container ${values.container})` : ''}`);
console.log(`  region ${server.region}, access key id ${accessKeyId} (secret not shown)`);
console.log('  store: in-memory (contents are lost when the server stops)');

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
