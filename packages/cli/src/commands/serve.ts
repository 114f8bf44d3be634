import { createMemoryStore } from '@stowage/memory';
import { DEFAULT_CREDENTIALS, IamTokenService, ibmCosDialect, mediaStoreDialect, s3Dialect, startServer, type DialectFactory } from '@stowage/server';
import { registerSecret } from '@stowage/core';
import { str, type Command } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { parseInteger, parseSize } from '../units.js';

const USAGE = 'stowage serve [--dialect s3|ibm|mediastore] [--port 9900] [--host 127.0.0.1] [options]';

export const serve: Command = {
  name: 'serve',
  summary: 'serve an in-memory store over HTTP: S3, IBM COS or MediaStore dialect (@stowage/server)',
  help: `${USAGE}

Starts @stowage/server over a new in-memory store and keeps running until
Ctrl-C (or SIGTERM). Every request is SigV4-verified with the key pair given
by --access-key-id / --secret-access-key (or STOWAGE_ACCESS_KEY_ID /
STOWAGE_SECRET_ACCESS_KEY; default: @stowage/server's development pair,
access key stowage-access). The secret is never printed. Other stowage
commands reach it with ?endpoint=<url> (or STOWAGE_ENDPOINT) and the same keys.
The contents are lost when it stops.

Options:
  --dialect <name>            s3 (default), ibm (IBM COS: immutable storage, legal hold ids), mediastore (MediaStore Data)
  --port <n>                  default 9900; 0 picks a free port
  --host <addr>               default 127.0.0.1
  --container <name>          mediastore: the container (a bucket of the memory store), default stowage
  --min-part-size <size>      smallest multipart part but the last (default 5MiB, as S3)
  --iam-api-key <key>         ibm: also accept IAM bearer tokens for this API key (token endpoint /identity/token)
  --service-instance-id <id>  ibm: the service instance of that API key
  --log                       one line per request on stdout
  --json                      print one JSON line when ready: {"url","port","region","dialect","accessKeyId",…}

Examples:
  stowage serve --port 9900 &
  STOWAGE_ENDPOINT=http://127.0.0.1:9900 stowage mb s3://photos
  stowage serve --dialect mediastore --container live --port 9901`,
  options: {
    dialect: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    container: { type: 'string' },
    'min-part-size': { type: 'string' },
    'iam-api-key': { type: 'string' },
    'service-instance-id': { type: 'string' },
    log: { type: 'boolean' },
  },
  async run(ctx, args, values) {
    if (args.length > 0) throw new UsageError(`serve takes no arguments, got ${args.join(' ')}`, `usage: ${USAGE}`);
    const dialectName = (str(values, 'dialect') ?? 's3').toLowerCase();
    if (!['s3', 'ibm', 'ibm-cos', 'mediastore'].includes(dialectName)) throw new UsageError('--dialect must be s3, ibm or mediastore');
    const port = parseInteger(str(values, 'port') ?? '9900', '--port', 0, 65535);
    const host = str(values, 'host') ?? '127.0.0.1';
    const container = str(values, 'container') ?? 'stowage';
    const minPartSize = str(values, 'min-part-size') === undefined ? undefined : parseSize(str(values, 'min-part-size')!, '--min-part-size');
    const sources = ctx.factory.sources;
    const accessKeyId = sources.flags.accessKeyId ?? sources.env.accessKeyId ?? DEFAULT_CREDENTIALS.accessKeyId;
    const secretAccessKey = sources.flags.secretAccessKey ?? sources.env.secretAccessKey ?? DEFAULT_CREDENTIALS.secretAccessKey;
    registerSecret(secretAccessKey);
    const region = sources.flags.region ?? sources.env.region ?? 'us-east-1';
    const apiKey = str(values, 'iam-api-key');
    if (apiKey !== undefined) registerSecret(apiKey);
    if (apiKey !== undefined && dialectName !== 'ibm' && dialectName !== 'ibm-cos') throw new UsageError('--iam-api-key is for --dialect ibm');

    let dialect: DialectFactory;
    let label: string;
    if (dialectName === 'mediastore') {
      dialect = mediaStoreDialect({ container });
      label = `MediaStore Data dialect (container ${container})`;
    } else if (dialectName === 'ibm' || dialectName === 'ibm-cos') {
      const iam = apiKey === undefined ? undefined : new IamTokenService({ apiKeys: [{ apiKey, serviceInstanceId: str(values, 'service-instance-id') ?? 'stowage-local', name: 'stowage serve' }] });
      dialect = ibmCosDialect(iam ? { iam } : {});
      label = `IBM COS dialect${iam ? ' (IAM tokens at /identity/token, and SigV4)' : ''}`;
    } else {
      dialect = s3Dialect();
      label = 'S3 dialect';
    }
    const server = await startServer({
      host,
      port,
      region,
      credentials: { accessKeyId, secretAccessKey },
      dialect,
      store: (presign) => createMemoryStore({ presign, capabilities: minPartSize === undefined ? undefined : { multipart: { minPartSize } } }),
      log: values.log === true ? (line) => ctx.out.stdout.write(`${line}\n`) : undefined,
    });
    if (dialectName === 'mediastore') await server.store.createBucket(container);

    const scheme = dialectName === 'mediastore' ? 'mediastore' : dialectName === 's3' ? 's3' : 'ibm-cos';
    const example =
      scheme === 'mediastore'
        ? `mediastore://${container}/?endpoint=${server.url}`
        : scheme === 'ibm-cos'
          ? `ibm-cos://?endpoint=${server.url}&region=${server.region}&serverProfile=ibm-cloud`
          : `s3://?endpoint=${server.url}`;
    ctx.out.emit({ ready: true, url: server.url, host: server.host, port: server.port, region: server.region, dialect: scheme, accessKeyId, container: scheme === 'mediastore' ? container : undefined });
    ctx.out.info(`stowage serve: ${label} on ${server.url} — in-memory store, contents are lost when it stops`);
    ctx.out.info(`  region ${server.region}, access key id ${accessKeyId}, secret key ${secretAccessKey === DEFAULT_CREDENTIALS.secretAccessKey ? "@stowage/server's development default" : 'as given'} (not shown)`);
    ctx.out.info(`  try: stowage ls '${example}'`);
    ctx.out.info('  Ctrl-C stops it');

    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
    ctx.out.info('stowage serve: stopped');
    return 0;
  },
};
