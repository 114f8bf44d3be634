import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { registerSecret } from '@stowage/core';
import { cat, statCommand } from './commands/cat-stat.js';
import { mb, rb, rm } from './commands/buckets.js';
import { conformance } from './commands/conformance.js';
import { cp } from './commands/cp.js';
import { demo } from './commands/demo.js';
import { hold, lock, presign, retain, versioning } from './commands/lock.js';
import { ls } from './commands/ls.js';
import { serve } from './commands/serve.js';
import { defaultConfigPath, envSettings, loadConfigFile, parseBool, type CliSettings } from './config.js';
import { Context, type Command, type OptionSpec, type Values } from './context.js';
import { describeError, errorJson, exitCodeFor, EXIT, InterruptedError, UsageError } from './exit-codes.js';
import { Output } from './output.js';
import { chooseProgressMode } from './progress.js';
import { StoreFactory } from './stores.js';
import { parseDuration, parseInteger } from './units.js';

export const COMMANDS: readonly Command[] = [ls, cp, cat, statCommand, rm, mb, rb, lock, retain, hold, versioning, presign, conformance, serve, demo];

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  json: { type: 'boolean' },
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  'progress-interval': { type: 'string' },
  profile: { type: 'string' },
  config: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'access-key-id': { type: 'string' },
  'secret-access-key': { type: 'string' },
  'session-token': { type: 'string' },
  'server-profile': { type: 'string' },
  'aws-profile': { type: 'string' },
  'api-key': { type: 'string' },
  'service-instance-id': { type: 'string' },
  'ibm-auth-endpoint': { type: 'string' },
  'force-path-style': { type: 'string' },
  'ca-file': { type: 'string' },
  'allow-provider': { type: 'string', multiple: true },
  retries: { type: 'string' },
  timeout: { type: 'string' },
};

const FLAG_SETTINGS: Record<string, keyof CliSettings> = {
  endpoint: 'endpoint',
  region: 'region',
  'access-key-id': 'accessKeyId',
  'secret-access-key': 'secretAccessKey',
  'session-token': 'sessionToken',
  'server-profile': 'serverProfile',
  'aws-profile': 'awsProfile',
  'api-key': 'apiKey',
  'service-instance-id': 'serviceInstanceId',
  'ibm-auth-endpoint': 'ibmAuthEndpoint',
  'force-path-style': 'forcePathStyle',
  'ca-file': 'caFile',
};

const GLOBAL_HELP = `Global options (any command):
  --profile <name>              a profile of the config file (or STOWAGE_PROFILE)
  --config <file>               the config file (default $STOWAGE_CONFIG or ~/.config/stowage/config.json)
  --endpoint <url>              S3-compatible / COS / MediaStore endpoint (STOWAGE_ENDPOINT)
  --region <name>               signing region (STOWAGE_REGION)
  --access-key-id <id>          (STOWAGE_ACCESS_KEY_ID)
  --secret-access-key <secret>  (STOWAGE_SECRET_ACCESS_KEY; prefer the variable or a profile: flags show in ps)
  --session-token <token>       (STOWAGE_SESSION_TOKEN)
  --server-profile <name>       aws, ceph-rgw, minio, generic, ibm-cloud (STOWAGE_SERVER_PROFILE)
  --aws-profile <name>          a profile of ~/.aws/config for s3 / ibm-cos (STOWAGE_AWS_PROFILE)
  --api-key <key>               IBM Cloud IAM API key (STOWAGE_API_KEY), --service-instance-id <id>, --ibm-auth-endpoint <url>
  --force-path-style <bool>     path-style addressing (STOWAGE_FORCE_PATH_STYLE)
  --ca-file <pem>               trusted CAs for TLS (minio; STOWAGE_CA_FILE)
  --allow-provider <pkg>        allow a third-party provider package as a scheme (pkg://bucket/key)
  --retries <n>                 attempts per request (default 3)
  --timeout <duration>          per-attempt timeout until the response starts (e.g. 30s)
  --json                        machine-readable output on stdout
  -q, --quiet                   no progress, no notes; errors only
  -v, --verbose                 the resolved settings (secrets masked) and one line per request, on stderr
  --progress / --no-progress    force / hide progress (default: a bar on a TTY, lines every 2 s otherwise)
  --progress-interval <dur>     plain progress lines every this long (default 2s)
  -h, --help                    help (stowage <command> --help for a command)

Settings: the address's ?query > flags > STOWAGE_* environment > the profile.`;

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `stowage ${packageVersion()} — one command line for object storage: S3, MinIO, IBM COS, MediaStore, in-memory

Usage: stowage <command> [arguments] [options]

Addresses: provider://bucket/key?setting=value (memory, s3, minio, ibm-cos, mediastore),
a local path, or - for stdin / stdout. The bucket comes right after provider://;
the path after it is the key (percent-decoded: %3F for "?", %25 for "%").

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

${GLOBAL_HELP}

Exit codes: 0 ok, 1 failure, 2 usage / invalid argument, 3 not found, 4 refused
(precondition, object lock, not empty, exists), 5 transient (throttled, timeout,
connection), 6 access denied, 130 interrupted (Ctrl-C), 143 terminated.

Examples:
  stowage demo
  stowage serve --port 9900
  stowage cp ./big.iso 's3://isos/?endpoint=http://127.0.0.1:9900'
  stowage ls -r --json s3://logs/2025/ --profile ceph`;
}

export interface RunOptions {
  argv: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Aborted on Ctrl-C / SIGTERM by the binary; reason an InterruptedError. */
  signal?: AbortSignal;
}

/** Registers any secret on the raw command line before anything can print it. */
function registerArgvSecrets(argv: string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    for (const flag of ['--secret-access-key', '--session-token', '--api-key', '--iam-api-key']) {
      if (a === flag) registerSecret(argv[i + 1]);
      else if (a.startsWith(`${flag}=`)) registerSecret(a.slice(flag.length + 1));
    }
  }
}

/** Runs one command line; resolves to the exit code. Never throws. */
export async function run(options: RunOptions): Promise<number> {
  const argv = options.argv;
  registerArgvSecrets(argv);
  const env = options.env ?? process.env;
  const earlyJson = argv.includes('--json');
  const errOut = new Output({ json: earlyJson, quiet: false, verbose: argv.includes('--verbose') || argv.includes('-v'), stdout: options.stdout, stderr: options.stderr });
  try {
    const first = argv.findIndex((a) => !a.startsWith('-'));
    if (argv.length === 0 || (first === -1 && (argv.includes('--help') || argv.includes('-h')))) {
      errOut.stdout.write(`${mainHelp()}\n`);
      return argv.length === 0 ? EXIT.usage : EXIT.ok;
    }
    if (argv.includes('--version') && first === -1) {
      errOut.stdout.write(`${packageVersion()}\n`);
      return EXIT.ok;
    }
    if (first === -1) throw new UsageError('no command given', 'stowage --help lists the commands');
    const name = argv[first]!;
    if (name === 'help') {
      const target = COMMANDS.find((c) => c.name === argv[first + 1]);
      errOut.stdout.write(`${target ? `${target.help}\n\n${GLOBAL_HELP}` : mainHelp()}\n`);
      return EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      const close = COMMANDS.filter((c) => c.name.startsWith(name.slice(0, 2))).map((c) => c.name);
      throw new UsageError(`unknown command "${name}"`, close.length ? `did you mean ${close.join(' or ')}? (stowage --help lists the commands)` : 'stowage --help lists the commands');
    }
    const rest = [...argv.slice(0, first), ...argv.slice(first + 1)];
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true, tokens: true });
    } catch (e) {
      throw new UsageError(`${name}: ${(e as Error).message.replace(/^Unknown option/, 'unknown option')}`, `see stowage ${name} --help`);
    }
    const values = parsed.values as Values;
    if (values.help === true) {
      errOut.stdout.write(`${command.help}\n\n${GLOBAL_HELP}\n`);
      return EXIT.ok;
    }
    const filters = (parsed.tokens ?? [])
      .filter((t): t is Extract<typeof t, { kind: 'option' }> => t.kind === 'option' && (t.name === 'include' || t.name === 'exclude'))
      .map((t) => ({ kind: t.name as 'include' | 'exclude', pattern: String(t.value ?? '') }));

    const out = new Output({ json: values.json === true, quiet: values.quiet === true, verbose: values.verbose === true, stdout: options.stdout, stderr: options.stderr });
    const flags: Record<string, unknown> = {};
    for (const [flag, setting] of Object.entries(FLAG_SETTINGS)) {
      const v = values[flag];
      if (typeof v === 'string') flags[setting] = setting === 'forcePathStyle' ? parseBool(v, `--${flag}`) : v;
    }
    const configPath = typeof values.config === 'string' ? values.config : defaultConfigPath(env);
    const file = loadConfigFile(configPath, typeof values.config === 'string' || env.STOWAGE_CONFIG !== undefined);
    const sources = {
      flags: flags as CliSettings,
      env: envSettings(env),
      file,
      configPath,
      profile: (typeof values.profile === 'string' ? values.profile : undefined) ?? (env.STOWAGE_PROFILE || undefined),
    };
    const allowProviders = (values['allow-provider'] as string[] | undefined) ?? [];
    const factory = new StoreFactory({
      sources,
      allowProviders,
      maxAttempts: typeof values.retries === 'string' ? parseInteger(values.retries, '--retries', 1, 20) : undefined,
      attemptTimeoutMs: typeof values.timeout === 'string' ? parseDuration(values.timeout, '--timeout') * 1000 : undefined,
      log: out.verbose ? (line) => out.debug(line) : undefined,
    });
    const progressMode = chooseProgressMode(out.stderr, {
      quiet: out.quiet,
      json: out.json,
      noProgress: values['no-progress'] === true,
      progress: values.progress === true,
    });
    const signal = options.signal ?? new AbortController().signal;
    const ctx = new Context({
      out,
      factory,
      signal,
      progressMode,
      progressIntervalMs: typeof values['progress-interval'] === 'string' ? parseDuration(values['progress-interval'], '--progress-interval') * 1000 : 2000,
      cwd: options.cwd ?? process.cwd(),
      allowProviders,
    });
    try {
      const code = await command.run(ctx, parsed.positionals, values, filters);
      return code ?? EXIT.ok;
    } catch (e) {
      const error = signal.aborted && !(e instanceof UsageError) ? (signal.reason instanceof InterruptedError ? signal.reason : e) : e;
      report(out, error);
      return exitCodeFor(error);
    } finally {
      await factory.closeAll();
    }
  } catch (e) {
    report(errOut, e);
    return exitCodeFor(e);
  }
}

function report(out: Output, error: unknown): void {
  if (out.json) out.stdout.write(`${JSON.stringify(errorJson(error))}\n`);
  let text = describeError(error, out.verbose);
  if (error instanceof InterruptedError) text += '\n  (an interrupted transfer aborts its multipart upload and removes its partial file)';
  const locked = error as { code?: string; reason?: string };
  if (locked?.code === 'ObjectLocked' && locked.reason === 'retention') text += '\n  a GOVERNANCE retention can be bypassed with --bypass-governance (if you have the permission); COMPLIANCE cannot';
  out.warn(text);
}
