import type { ConformanceOptions } from './types.js';

/** One server as `scripts/servers/up.sh` describes it in `<repo>/.servers/env.json`. */
export interface ServerEnv {
  endpoint: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Server name and version, e.g. `ceph-rgw 16.2.15`. */
  server?: string;
  [setting: string]: unknown;
}

/** `.servers/env.json`: the servers that are up, by name (`ceph`, `minio`). */
export type ServersEnv = Readonly<Record<string, ServerEnv>>;

/**
 * A named target of the runner (`pnpm conformance --target <name>`): one small
 * file in `conformance/targets/`, or a third party's module passed by path.
 */
export interface ConformanceTarget {
  /** `provider@server`, e.g. `memory`, `s3@ceph`, `minio@minio`. */
  name: string;
  description?: string;
  /**
   * Whether the backend can be reached now: `true`, or why not (e.g. "ceph is
   * not in .servers/env.json: run pnpm servers:up"). Without CI a target that
   * is not up is left out of the run; with CI=true it is a failure.
   */
  available?(env: ServersEnv): true | string | Promise<true | string>;
  /** The suite options for a run (`name` defaults to the target's). */
  options(env: ServersEnv): Omit<ConformanceOptions, 'name'> & { name?: string } | Promise<Omit<ConformanceOptions, 'name'> & { name?: string }>;
  /** The server string for the report when the driver does not say (e.g. from env.json). */
  server?(env: ServersEnv): string | undefined;
}

/** Identity, for type checking a target file: `export default defineTarget({ … })`. */
export function defineTarget(target: ConformanceTarget): ConformanceTarget {
  return target;
}

/** A standard availability check: the named server is listed in env.json. */
export function serverListed(env: ServersEnv, name: string): true | string {
  return env[name] ? true : `${name} is not up (not in .servers/env.json): run \`pnpm servers:up ${name}\``;
}
