import { NotSupportedError, type Retention, type RetentionMode, type Store } from '@stowage/core';
import { bool, expectArgs, str, type Command, type Context } from '../context.js';
import { UsageError } from '../exit-codes.js';
import { formatLocation } from '../location.js';
import { requireBucket, requireKey } from '../stores.js';
import { parseDate, parseDuration, parseInteger } from '../units.js';
import { retentionFrom } from './cp.js';

function mode(text: string | undefined): RetentionMode {
  const upper = text?.toUpperCase();
  if (upper !== 'GOVERNANCE' && upper !== 'COMPLIANCE') throw new UsageError('--mode must be GOVERNANCE or COMPLIANCE');
  return upper;
}

const LOCK_USAGE = 'stowage lock <provider://bucket> [--mode M --days N | --years N | --clear | --ibm-protection MIN:DEFAULT:MAX]';

export const lock: Command = {
  name: 'lock',
  summary: 'show or set a bucket’s object lock default retention',
  help: `${LOCK_USAGE}

Without options, prints whether object lock is on and the default retention.
Object lock itself is turned on when the bucket is made (stowage mb --object-lock).

Options:
  --mode <GOVERNANCE|COMPLIANCE>   the default retention's mode, with
  --days <n> | --years <n>         …its length; applies to each new version written without its own retention
  --clear                          remove the default retention
  --ibm-protection <min:default:max>
                                   IBM COS: the bucket's protection configuration (retention days;
                                   objects then get IBM retention periods, which legal hold ids need).
                                   Once set it can only grow and never be removed.`,
  options: {
    'ibm-protection': { type: 'string' },
    mode: { type: 'string' },
    days: { type: 'string' },
    years: { type: 'string' },
    clear: { type: 'boolean' },
  },
  async run(ctx, args, values) {
    expectArgs(args, 1, 1, 'lock', LOCK_USAGE);
    const location = ctx.remote(args[0], 'lock', 'a bucket');
    const bucket = requireBucket(location, 'lock');
    const { store } = await ctx.open(location);
    const url = formatLocation(location.provider, bucket);
    const days = str(values, 'days');
    const years = str(values, 'years');
    const setting = str(values, 'mode') !== undefined || days !== undefined || years !== undefined;
    if (setting && bool(values, 'clear')) throw new UsageError('lock: --clear does not go with --mode / --days / --years');
    const protection = str(values, 'ibm-protection');
    if (protection !== undefined) {
      if (setting || bool(values, 'clear')) throw new UsageError('lock: --ibm-protection goes alone');
      const ibm = ibmExtensions(store);
      if (!ibm) throw new NotSupportedError('ibm.protection', 'the bucket protection configuration is an IBM COS extension (ibm-cos://…)', { provider: store.provider });
      const m = /^(\d+):(\d+):(\d+)$/.exec(protection);
      if (!m) throw new UsageError('--ibm-protection takes MIN:DEFAULT:MAX retention days, e.g. 0:1:365');
      const config = { status: 'Retention', minimumRetentionDays: Number(m[1]), defaultRetentionDays: Number(m[2]), maximumRetentionDays: Number(m[3]) };
      await ibm.putBucketProtection(bucket, config, { signal: ctx.signal });
      ctx.out.emit({ ok: true, bucket: url, ibmProtection: config });
      ctx.out.info(`lock: ${url} IBM protection: retention ${config.minimumRetentionDays} ≤ ${config.defaultRetentionDays} (default) ≤ ${config.maximumRetentionDays} days`);
      return;
    }
    if (bool(values, 'clear')) {
      await store.setDefaultRetention(bucket, undefined, { signal: ctx.signal });
      ctx.out.emit({ ok: true, bucket: url, defaultRetention: null });
      ctx.out.info(`lock: ${url} default retention removed`);
      return;
    }
    if (setting) {
      if ((days === undefined) === (years === undefined)) throw new UsageError('lock: give exactly one of --days or --years');
      const rule =
        days !== undefined
          ? { mode: mode(str(values, 'mode')), days: parseInteger(days, '--days', 1, 36_500) }
          : { mode: mode(str(values, 'mode')), years: parseInteger(years!, '--years', 1, 100) };
      await store.setDefaultRetention(bucket, rule, { signal: ctx.signal });
      ctx.out.emit({ ok: true, bucket: url, defaultRetention: rule });
      ctx.out.info(`lock: ${url} default retention ${rule.mode} ${'days' in rule ? `${rule.days} day(s)` : `${rule.years} year(s)`}`);
      return;
    }
    const config = await store.getObjectLockConfiguration(bucket, { signal: ctx.signal });
    const ibm = ibmExtensions(store);
    const ibmProtection = ibm ? await ibm.getBucketProtection(bucket, { signal: ctx.signal }).catch(() => undefined) : undefined;
    ctx.out.emit({ bucket: url, ...config, ...(ibmProtection ? { ibmProtection } : {}) });
    const d = config.defaultRetention;
    ctx.out.data(`object-lock        ${config.enabled ? 'enabled' : 'disabled'}`);
    ctx.out.data(`default-retention  ${d ? `${d.mode} ${d.days !== undefined ? `${d.days} day(s)` : `${d.years} year(s)`}` : 'none'}`);
    if (ibmProtection) {
      const p = ibmProtection;
      ctx.out.data(`ibm-protection     ${p.status === 'Retention' ? `retention ${p.minimumRetentionDays} ≤ ${p.defaultRetentionDays} ≤ ${p.maximumRetentionDays} days` : p.status}`);
    }
  },
};

const RETAIN_USAGE = 'stowage retain <get|set|extend|clear> <provider://bucket/key> [options]';

/** The IBM COS extension calls, found by shape (never by provider name). */
interface IbmExtensions {
  getBucketProtection(bucket: string, options?: { signal?: AbortSignal }): Promise<{ status: string; minimumRetentionDays?: number; defaultRetentionDays?: number; maximumRetentionDays?: number }>;
  putBucketProtection(bucket: string, config: { status: string; minimumRetentionDays?: number; defaultRetentionDays?: number; maximumRetentionDays?: number }, options?: { signal?: AbortSignal }): Promise<void>;
  extendObjectRetention(bucket: string, key: string, extension: Record<string, number | Date>, options?: { signal?: AbortSignal }): Promise<void>;
  listLegalHolds(bucket: string, key: string, options?: { signal?: AbortSignal }): Promise<{ retentionPeriod?: number; retentionExpirationDate?: Date; createTime?: Date; legalHolds: Array<{ id: string; date?: Date }> }>;
  addLegalHold(bucket: string, key: string, id: string, options?: { signal?: AbortSignal }): Promise<void>;
  deleteLegalHold(bucket: string, key: string, id: string, options?: { signal?: AbortSignal }): Promise<void>;
}

function ibmExtensions(store: Store): IbmExtensions | undefined {
  const s = store as unknown as Partial<IbmExtensions>;
  return typeof s.extendObjectRetention === 'function' && typeof s.listLegalHolds === 'function' && typeof s.putBucketProtection === 'function' ? (s as IbmExtensions) : undefined;
}

export const retain: Command = {
  name: 'retain',
  summary: 'get, set, extend or clear an object version’s retention',
  help: `${RETAIN_USAGE}

  get      the retention of the object (or --version-id)
  set      --mode GOVERNANCE|COMPLIANCE with --until <date> or --for <duration>
           (shortening or lowering a GOVERNANCE retention needs --bypass-governance;
            a COMPLIANCE retention can only be kept or extended)
  extend   lengthen the current retention, keeping its mode: --until <date>,
           --for <duration from now>, or --by <duration added to the current date>
           (with --ibm on IBM COS: IBM's own retention period, extendObjectRetention)
  clear    remove a GOVERNANCE retention (needs --bypass-governance)

Options:
  --version-id <id>      a specific version (default: the current one)
  --bypass-governance    allow shortening / removing a GOVERNANCE retention

Examples:
  stowage retain set s3://vault/contract.pdf --mode GOVERNANCE --for 30d
  stowage retain extend s3://vault/contract.pdf --by 1y
  stowage retain get --json s3://vault/contract.pdf`,
  options: {
    'version-id': { type: 'string' },
    mode: { type: 'string' },
    until: { type: 'string' },
    for: { type: 'string' },
    by: { type: 'string' },
    'bypass-governance': { type: 'boolean' },
    ibm: { type: 'boolean' },
  },
  async run(ctx, args, values) {
    expectArgs(args, 2, 2, 'retain', RETAIN_USAGE);
    const action = args[0]!;
    if (!['get', 'set', 'extend', 'clear'].includes(action)) throw new UsageError(`retain: unknown action "${action}" (get, set, extend, clear)`, `usage: ${RETAIN_USAGE}`);
    const location = ctx.remote(args[1], 'retain', 'an object');
    const { bucket, key } = requireKey(location, 'retain');
    const { store } = await ctx.open(location);
    const versionId = str(values, 'version-id');
    const bypass = bool(values, 'bypass-governance') || undefined;
    const url = formatLocation(location.provider, bucket, key);
    const show = (r: Retention | undefined) => (r ? `${r.mode} until ${r.retainUntil.toISOString()}` : 'none');

    if (action === 'get') {
      const retention = await store.getRetention(bucket, key, { versionId, signal: ctx.signal });
      const ibm = ibmExtensions(store);
      let ibmState: Awaited<ReturnType<IbmExtensions['listLegalHolds']>> | undefined;
      if (ibm && store.capabilities.objectLock?.legalHoldIds) ibmState = await ibm.listLegalHolds(bucket, key, { signal: ctx.signal }).catch(() => undefined);
      ctx.out.emit({ url, versionId, retention: retention ?? null, ...(ibmState ? { ibm: ibmState } : {}) });
      ctx.out.data(`retention  ${show(retention)}`);
      if (ibmState) {
        const p = ibmState.retentionPeriod;
        ctx.out.data(`ibm-retention-period  ${p === undefined ? 'none' : p === -1 ? 'indefinite' : p === -2 ? 'permanent' : `${p} s`}`);
        if (ibmState.retentionExpirationDate) ctx.out.data(`ibm-retention-expires  ${ibmState.retentionExpirationDate.toISOString()}`);
      }
      return;
    }
    if (action === 'clear') {
      if (!bypass) throw new UsageError('retain clear removes a GOVERNANCE retention and needs --bypass-governance (a COMPLIANCE retention cannot be removed)');
      await store.setRetention(bucket, key, null, { versionId, bypassGovernanceRetention: true, signal: ctx.signal });
      ctx.out.emit({ ok: true, url, versionId, retention: null });
      ctx.out.info(`retain: ${url} retention removed`);
      return;
    }
    if (action === 'set') {
      if (str(values, 'by') !== undefined) throw new UsageError('retain set takes --until or --for; --by is for retain extend');
      const retention = retentionFrom(values, true, store.now())!;
      await store.setRetention(bucket, key, retention, { versionId, bypassGovernanceRetention: bypass, signal: ctx.signal });
      ctx.out.emit({ ok: true, url, versionId, retention });
      ctx.out.info(`retain: ${url} ${show(retention)}`);
      return;
    }
    // extend
    const given = ['until', 'for', 'by'].filter((n) => str(values, n) !== undefined);
    if (given.length !== 1) throw new UsageError('retain extend takes exactly one of --until <date>, --for <duration> or --by <duration>');
    if (str(values, 'mode') !== undefined) throw new UsageError('retain extend keeps the current mode; use retain set to change it');
    if (bool(values, 'ibm')) {
      const ibm = ibmExtensions(store);
      if (!ibm) throw new NotSupportedError('ibm.extendObjectRetention', 'retain extend --ibm needs an IBM COS store (ibm-cos://…)');
      const extension: Record<string, number | Date> = str(values, 'until') !== undefined
        ? { newRetentionExpirationDate: parseDate(str(values, 'until')!, '--until') }
        : str(values, 'for') !== undefined
          ? { extendRetentionFromCurrentTime: Math.round(parseDuration(str(values, 'for')!, '--for')) }
          : { additionalRetentionPeriod: Math.round(parseDuration(str(values, 'by')!, '--by')) };
      await ibm.extendObjectRetention(bucket, key, extension, { signal: ctx.signal });
      ctx.out.emit({ ok: true, url, ibmExtension: extension });
      ctx.out.info(`retain: ${url} IBM retention extended (${JSON.stringify(extension)})`);
      return;
    }
    const current = await store.getRetention(bucket, key, { versionId, signal: ctx.signal });
    if (!current) throw new UsageError(`retain extend: ${url} has no retention to extend; use retain set`);
    const now = store.now();
    const until =
      str(values, 'until') !== undefined
        ? parseDate(str(values, 'until')!, '--until')
        : str(values, 'for') !== undefined
          ? new Date(now.getTime() + parseDuration(str(values, 'for')!, '--for') * 1000)
          : new Date(Math.max(current.retainUntil.getTime(), now.getTime()) + parseDuration(str(values, 'by')!, '--by') * 1000);
    if (until.getTime() <= current.retainUntil.getTime()) {
      throw new UsageError(`retain extend: ${until.toISOString()} is not after the current retain-until date ${current.retainUntil.toISOString()} (extend only lengthens)`);
    }
    const retention: Retention = { mode: current.mode, retainUntil: until };
    await store.setRetention(bucket, key, retention, { versionId, signal: ctx.signal });
    ctx.out.emit({ ok: true, url, versionId, previous: current, retention });
    ctx.out.info(`retain: ${url} extended from ${current.retainUntil.toISOString()} to ${until.toISOString()} (${current.mode})`);
  },
};

const HOLD_USAGE = 'stowage hold <on|off|status> <provider://bucket/key> [--id HOLD_ID] [--version-id ID]';

export const hold: Command = {
  name: 'hold',
  summary: 'put on, release or show a legal hold (IBM COS: holds with ids)',
  help: `${HOLD_USAGE}

A legal hold keeps a version from being deleted until it is released,
whatever its retention. On IBM COS holds carry ids (up to 100 per object):
give --id to add or remove one; status lists them.

Options:
  --id <hold-id>       an IBM legal hold id (letters, digits, !_.*'()-, up to 64)
  --version-id <id>    a specific version (not with --id)`,
  options: {
    id: { type: 'string' },
    'version-id': { type: 'string' },
  },
  async run(ctx, args, values) {
    expectArgs(args, 2, 2, 'hold', HOLD_USAGE);
    const action = args[0]!;
    if (!['on', 'off', 'status'].includes(action)) throw new UsageError(`hold: unknown action "${action}" (on, off, status)`, `usage: ${HOLD_USAGE}`);
    const location = ctx.remote(args[1], 'hold', 'an object');
    const { bucket, key } = requireKey(location, 'hold');
    const { store } = await ctx.open(location);
    const url = formatLocation(location.provider, bucket, key);
    const versionId = str(values, 'version-id');
    const id = str(values, 'id');
    const ids = store.capabilities.objectLock?.legalHoldIds === true;
    const ibm = ibmExtensions(store);
    if (id !== undefined) {
      if (!ids || !ibm) throw new NotSupportedError('objectLock.legalHoldIds', 'Legal holds with ids are an IBM COS extension; this backend has on/off holds (drop --id)', { provider: store.provider });
      if (versionId !== undefined) throw new UsageError('hold --id applies to the object, not a version (drop --version-id)');
    }
    if (action === 'status') {
      const on = await store.getLegalHold(bucket, key, { versionId, signal: ctx.signal });
      let holds: Array<{ id: string; date?: Date }> | undefined;
      // An object without an IBM retention period has no holds with ids (the server answers 404).
      if (ids && ibm) holds = (await ibm.listLegalHolds(bucket, key, { signal: ctx.signal }).catch(() => ({ legalHolds: [] }))).legalHolds;
      ctx.out.emit({ url, versionId, legalHold: on, ...(holds ? { holds } : {}) });
      ctx.out.data(`legal-hold  ${on ? 'on' : 'off'}`);
      for (const h of holds ?? []) ctx.out.data(`hold  ${h.id}${h.date ? `  since ${h.date.toISOString()}` : ''}`);
      return;
    }
    const on = action === 'on';
    if (id !== undefined) {
      if (on) await ibm!.addLegalHold(bucket, key, id, { signal: ctx.signal });
      else await ibm!.deleteLegalHold(bucket, key, id, { signal: ctx.signal });
    } else {
      await store.setLegalHold(bucket, key, on, { versionId, signal: ctx.signal });
    }
    ctx.out.emit({ ok: true, url, versionId, legalHold: on, id });
    ctx.out.info(`hold: ${url}${versionId ? ` version ${versionId}` : ''} ${on ? 'on' : 'off'}${id ? ` (id ${id})` : ''}`);
  },
};

const VERSIONING_USAGE = 'stowage versioning <provider://bucket> [enable|suspend]';

export const versioning: Command = {
  name: 'versioning',
  summary: 'show, enable or suspend a bucket’s versioning',
  help: `${VERSIONING_USAGE}

Without an action, prints Unversioned, Enabled or Suspended. A bucket never
goes back to Unversioned; one with object lock cannot be suspended.`,
  options: {},
  async run(ctx, args) {
    expectArgs(args, 1, 2, 'versioning', VERSIONING_USAGE);
    const location = ctx.remote(args[0], 'versioning', 'a bucket');
    const bucket = requireBucket(location, 'versioning');
    const { store } = await ctx.open(location);
    const url = formatLocation(location.provider, bucket);
    const action = args[1];
    if (action === undefined) {
      const state = await store.getVersioning(bucket, { signal: ctx.signal });
      ctx.out.emit({ bucket: url, versioning: state });
      ctx.out.data(state);
      return;
    }
    if (action !== 'enable' && action !== 'suspend') throw new UsageError(`versioning: unknown action "${action}" (enable or suspend)`);
    const state = action === 'enable' ? 'Enabled' : 'Suspended';
    await store.setVersioning(bucket, state, { signal: ctx.signal });
    ctx.out.emit({ ok: true, bucket: url, versioning: state });
    ctx.out.info(`versioning: ${url} ${state}`);
  },
};

const PRESIGN_USAGE = 'stowage presign <provider://bucket/key> [--method GET|PUT] [--expires 15m]';

export const presign: Command = {
  name: 'presign',
  summary: 'print a presigned GET or PUT URL for an object',
  help: `${PRESIGN_USAGE}

The URL carries a signature: anyone holding it can make that one request until
it expires. It is printed on stdout (and nowhere else).

Options:
  --method <GET|PUT>       default GET
  --expires <duration>     default 15m (at most what the backend allows, 7 days on S3)
  --version-id <id>        a specific version (GET)
  --content-type <type>    the Content-Type a PUT must send`,
  options: {
    method: { type: 'string' },
    expires: { type: 'string' },
    'version-id': { type: 'string' },
    'content-type': { type: 'string' },
  },
  async run(ctx, args, values) {
    expectArgs(args, 1, 1, 'presign', PRESIGN_USAGE);
    const location = ctx.remote(args[0], 'presign', 'an object');
    const { bucket, key } = requireKey(location, 'presign');
    const { store } = await ctx.open(location);
    const method = (str(values, 'method') ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'PUT') throw new UsageError('--method must be GET or PUT');
    const expiresIn = Math.round(parseDuration(str(values, 'expires') ?? '15m', '--expires'));
    const url = await presignUrl(ctx, store, bucket, key, method, expiresIn, str(values, 'version-id'), str(values, 'content-type'));
    ctx.out.emit({ url, method, expiresIn, expiresAt: new Date(Date.now() + expiresIn * 1000) });
    ctx.out.data(url);
  },
};

function presignUrl(ctx: Context, store: Store, bucket: string, key: string, method: 'GET' | 'PUT', expiresIn: number, versionId?: string, contentType?: string): Promise<string> {
  return store.presign(bucket, key, { method, expiresIn, versionId, contentType, signal: ctx.signal });
}
