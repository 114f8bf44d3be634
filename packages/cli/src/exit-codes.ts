import { isStowageError, redact, type StowageError } from '@stowage/core';

/**
 * The process exit codes of `stowage`, stable across releases (scripts test
 * them). Every failure maps to one of these; see README.md.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** Any other failure (provider error, integrity error, not supported, access denied…). */
  failure: 1,
  /** The command line is wrong, or a value was refused before any request (InvalidArgument, InvalidRange). */
  usage: 2,
  /** Bucket, object, version or upload not found. */
  notFound: 3,
  /** A precondition or lock refused the request (PreconditionFailed, NotModified, ObjectLocked, BucketNotEmpty, AlreadyExists). */
  refused: 4,
  /** Transient: throttled, timed out, connection failures (retries were exhausted); trying again later may work. */
  transient: 5,
  /** Credentials were refused (AccessDenied). */
  accessDenied: 6,
  /** Interrupted by Ctrl-C (SIGINT); 143 for SIGTERM. */
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A mistake on the command line: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Raised when the user interrupted the command (Ctrl-C / SIGTERM). */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : 'terminated (SIGTERM)');
  }
}

/** The exit code for anything thrown by a command. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof InterruptedError) return error.signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
  if (isStowageError(error)) return exitCodeForStowage(error);
  // local files
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return EXIT.notFound;
    case 'EEXIST':
    case 'ENOTEMPTY':
      return EXIT.refused;
    case 'EACCES':
    case 'EPERM':
      return EXIT.accessDenied;
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
      return EXIT.transient;
    default:
      return EXIT.failure;
  }
}

/** The SDKs' "no credentials found" surfaces as a ProviderError naming CredentialsProviderError. */
export function isMissingCredentials(error: unknown): boolean {
  return isStowageError(error) && /CredentialsProviderError|Could not load credentials|credentials? (are|is) missing|no credentials/i.test(`${error.message} ${String(error.toJSON().cause ?? '')}`);
}

function exitCodeForStowage(error: StowageError): ExitCode {
  if (isMissingCredentials(error)) return EXIT.accessDenied;
  switch (error.code) {
    case 'InvalidArgument':
    case 'InvalidRange':
      return EXIT.usage;
    case 'BucketNotFound':
    case 'ObjectNotFound':
    case 'VersionNotFound':
    case 'UploadNotFound':
      return EXIT.notFound;
    case 'PreconditionFailed':
    case 'NotModified':
    case 'ObjectLocked':
    case 'BucketNotEmpty':
    case 'AlreadyExists':
      return EXIT.refused;
    case 'Throttled':
    case 'Transient':
    case 'Timeout':
      return EXIT.transient;
    case 'AccessDenied':
      return EXIT.accessDenied;
    case 'Aborted':
      return EXIT.interrupted;
    default:
      return EXIT.failure;
  }
}

/** One line (or a few) describing a failure for stderr; secrets redacted. */
export function describeError(error: unknown, verbose = false): string {
  if (error instanceof UsageError) return redact(`stowage: ${error.message}${error.hint ? `\n  ${error.hint}` : ''}`);
  if (error instanceof InterruptedError) return `stowage: ${error.message}`;
  if (isStowageError(error)) {
    const details: string[] = [];
    const json = error.toJSON();
    for (const field of ['field', 'capability', 'reason', 'bucket', 'key', 'versionId', 'statusCode', 'requestId']) {
      if (json[field] !== undefined) details.push(`${field} ${String(json[field])}`);
    }
    if (error.provider && error.provider !== 'unknown') details.unshift(`provider ${error.provider}`);
    let text = `stowage: ${error.code}: ${error.message}${details.length ? ` (${details.join(', ')})` : ''}`;
    if (isMissingCredentials(error)) text += '\n  no credentials: set STOWAGE_ACCESS_KEY_ID and STOWAGE_SECRET_ACCESS_KEY, use --profile (a profile of ~/.config/stowage/config.json), or --aws-profile';
    if (/Region is missing/i.test(text)) text += '\n  no region: give --region or STOWAGE_REGION (or ?endpoint=… for an S3-compatible server, which defaults it to us-east-1)';
    if (error.code === 'NotSupported') text += '\n  this backend does not declare that capability (see `stowage conformance` or the capability matrix)';
    if (verbose && json.cause !== undefined) text += `\n  cause: ${String(json.cause)}`;
    if (verbose && error.stack) text += `\n${error.stack.split('\n').slice(1).join('\n')}`;
    return redact(text);
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const text = `stowage: ${code ? `${code}: ` : ''}${error.message}${verbose && error.stack ? `\n${error.stack.split('\n').slice(1).join('\n')}` : ''}`;
    return redact(text);
  }
  return redact(`stowage: ${String(error)}`);
}

/** The machine-readable form of a failure (for `--json`). */
export function errorJson(error: unknown): Record<string, unknown> {
  const exitCode = exitCodeFor(error);
  if (isStowageError(error)) return { ok: false, exitCode, error: error.toJSON() };
  if (error instanceof UsageError) return { ok: false, exitCode, error: { name: 'UsageError', code: 'Usage', message: redact(error.message) } };
  if (error instanceof InterruptedError) return { ok: false, exitCode, error: { name: 'InterruptedError', code: 'Interrupted', message: error.message } };
  const e = error as NodeJS.ErrnoException;
  return { ok: false, exitCode, error: { name: e?.name ?? 'Error', code: e?.code ?? 'Error', message: redact(String(e?.message ?? e)) } };
}
