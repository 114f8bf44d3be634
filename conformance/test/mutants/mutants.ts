import { CursorCodec, type Driver, type ObjectSummary } from '@stowage/core';
import { defaultRules, retentionInForce } from '@stowage/memory';
import { proxyDriver } from '../../src/driver-proxy.js';
import type { MemoryTargetOptions } from '../../targets/memory.js';

/**
 * Deliberately broken memory stores. Each must make the suite fail on exactly
 * `fails` (the mutation test checks both directions: every listed case fails,
 * no other case does). A list that is too long or too short means the suite's
 * teeth moved: look at the cases, then update the list on purpose.
 */
export interface Mutant {
  name: string;
  /** The bug, as a person would describe it. */
  bug: string;
  build(): MemoryTargetOptions;
  fails: readonly string[];
}

// ---------------------------------------------------------------- driver-level bugs

/** Lists as if no delimiter had been given (objects and versions). */
function ignoreDelimiter(inner: Driver): Driver {
  return proxyDriver(inner, {
    listObjects: (req) => inner.listObjects({ ...req, delimiter: undefined }),
    listObjectVersions: (req) => inner.listObjectVersions!({ ...req, delimiter: undefined }),
  });
}

/** Treats the range length as an inclusive end: `bytes=offset-(offset+length)`, one byte too many. */
function rangeEndOffByOne(inner: Driver): Driver {
  return proxyDriver(inner, {
    getObject: (req) => {
      const range = req.range;
      if (range && !('suffix' in range) && range.length !== undefined) return inner.getObject({ ...req, range: { offset: range.offset, length: range.length + 1 } });
      return inner.getObject(req);
    },
  });
}

/** Resumes each page one key too far: the first key after a page boundary is never listed. */
function skipAtPageBoundary(inner: Driver): Driver {
  return proxyDriver(inner, {
    listObjects: async (req) => {
      const page = await inner.listObjects(req);
      return req.token === undefined ? page : { ...page, objects: page.objects.slice(1) };
    },
  });
}

/**
 * Lists in JavaScript string order (UTF-16 code units) instead of UTF-8 byte
 * order, pages and continuation included: the classic bug of a store that
 * keeps keys in a sorted JS array with `<`.
 */
function javascriptKeyOrder(inner: Driver): Driver {
  const js = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return proxyDriver(inner, {
    listObjects: async (req) => {
      const all: ObjectSummary[] = [];
      let token: string | undefined;
      do {
        const page = await inner.listObjects({ bucket: req.bucket, prefix: req.prefix, maxKeys: 1000, token, signal: req.signal });
        all.push(...page.objects);
        token = page.nextToken;
      } while (token !== undefined);
      all.sort((a, b) => js(a.key, b.key));
      const prefix = req.prefix ?? '';
      const marker = req.token ?? req.startAfter;
      const objects: ObjectSummary[] = [];
      const commonPrefixes: string[] = [];
      let last: string | undefined;
      let more = false;
      for (const o of all) {
        const at = req.delimiter ? o.key.indexOf(req.delimiter, prefix.length) : -1;
        const entry = at >= 0 ? o.key.slice(0, at + req.delimiter!.length) : o.key;
        if (marker !== undefined && js(entry, marker) <= 0) continue;
        if (entry === last) continue;
        if (objects.length + commonPrefixes.length >= req.maxKeys) {
          more = true;
          break;
        }
        if (at >= 0) commonPrefixes.push(entry);
        else objects.push(o);
        last = entry;
      }
      return more && last !== undefined ? { objects, commonPrefixes, nextToken: last } : { objects, commonPrefixes };
    },
  });
}

/** Serves a suffix range from the start of the object (`bytes=-n` read as `bytes=0-(n-1)`). */
function suffixFromStart(inner: Driver): Driver {
  return proxyDriver(inner, {
    getObject: (req) => {
      const range = req.range;
      if (range && 'suffix' in range) return inner.getObject({ ...req, range: { offset: 0, length: range.suffix } });
      return inner.getObject(req);
    },
  });
}

/** A delete without a version id in a versioned bucket destroys the current version instead of adding a delete marker. */
function noDeleteMarkers(inner: Driver): Driver {
  return proxyDriver(inner, {
    deleteObject: async (req) => {
      if (req.versionId !== undefined) return inner.deleteObject(req);
      let current: string | undefined;
      try {
        current = (await inner.headObject({ bucket: req.bucket, key: req.key, conditions: {}, signal: req.signal })).versionId;
      } catch {
        return inner.deleteObject(req);
      }
      return current === undefined || current === 'null' ? inner.deleteObject(req) : inner.deleteObject({ ...req, versionId: current });
    },
  });
}

const bare = (etag: string) => etag.replace(/^"|"$/g, '');

/** ETags come back without their quotes (S3 always quotes them). */
function unquotedEtags(inner: Driver): Driver {
  return proxyDriver(inner, {
    putObject: async (req) => {
      const r = await inner.putObject(req);
      return { ...r, etag: bare(r.etag) };
    },
    headObject: async (req) => {
      const r = await inner.headObject(req);
      return { ...r, etag: bare(r.etag) };
    },
    getObject: async (req) => {
      const r = await inner.getObject(req);
      return { ...r, info: { ...r.info, etag: bare(r.info.etag) } };
    },
    listObjects: async (req) => {
      const r = await inner.listObjects(req);
      return { ...r, objects: r.objects.map((o) => ({ ...o, etag: bare(o.etag) })) };
    },
  });
}

// ---------------------------------------------------------------- rule-level bugs

/** A cursor codec that trusts whatever it is handed: no HMAC check (the binding to bucket / prefix is kept). */
class UnverifiedCursorCodec extends CursorCodec {
  override decode(cursor: unknown, expect: Record<string, unknown>): Record<string, unknown> {
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(Buffer.from(String(cursor).split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return { ...expect };
    }
    return super.decode(this.encode({ ...payload }), expect);
  }
}

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'delimiter-ignored',
    bug: 'listing ignores the delimiter: no common prefixes, every key listed flat',
    build: () => ({ wrapDriver: ignoreDelimiter }),
    fails: [
      'list.delimiter.common-prefixes',
      'list.delimiter.order',
      'list.delimiter.nested',
      'list.delimiter.prefix-without-slash',
      'list.delimiter.sorting-before',
      'list.delimiter.multi-character',
      'list.delimiter.other-character',
      'list.delimiter.prefixes-count-toward-page',
      'list.start-after-with-delimiter',
      'list.versions.delimiter',
    ],
  },
  {
    name: 'range-end-off-by-one',
    bug: 'a ranged get returns one byte past the requested end (length treated as an inclusive end)',
    build: () => ({ wrapDriver: rangeEndOffByOne }),
    fails: [
      'range.offset-length',
      'range.single-bytes',
      'range.partial-response',
      'range.multi-mebibyte-offset',
      'range.of-a-version',
    ],
  },
  {
    name: 'page-boundary-skip',
    bug: 'a listing resumed from a cursor skips the first key of the next page',
    build: () => ({ wrapDriver: skipAtPageBoundary }),
    fails: [
      'list.delimiter.order',
      'list.delimiter.sorting-before',
      'list.delimiter.multi-character',
      'list.utf8-order-paged',
      'list.page-sizes',
      'list.page-size-1000',
      'list.last-page-no-cursor',
      'list.cursor-fresh-store',
      'list.start-after',
      'list.start-after-with-delimiter',
      'list.insert-between-pages',
      'list.delete-between-pages',
      'list.iterator-all',
      'concurrency.hundred-parallel-puts-listed',
    ],
  },
  {
    name: 'javascript-key-order',
    bug: 'keys are listed in JavaScript (UTF-16) order instead of UTF-8 byte order',
    build: () => ({ wrapDriver: javascriptKeyOrder }),
    fails: [
      'key.listed-in-byte-order',
      'list.utf8-order',
      'list.utf8-order-paged',
    ],
  },
  {
    name: 'governance-bypass-ignored',
    bug: 'bypassGovernanceRetention is ignored when deleting a version',
    build: () => ({ rules: { versionDeleteLock: (ctx) => defaultRules.versionDeleteLock({ ...ctx, bypassGovernanceRetention: false }) } }),
    fails: [
      'batch-delete.bypass-governance',
      'lock.governance.bypass-deletes',
    ],
  },
  {
    name: 'compliance-shortenable',
    bug: 'a COMPLIANCE retention can be shortened (treated like GOVERNANCE with bypass)',
    build: () => ({
      rules: {
        retentionChange: (ctx) =>
          ctx.current?.mode === 'COMPLIANCE' && ctx.next?.mode === 'COMPLIANCE' && retentionInForce(ctx.current, ctx.now) ? null : defaultRules.retentionChange(ctx),
      },
    }),
    fails: [
      'lock.compliance.cannot-shorten',
    ],
  },
  {
    name: 'legal-hold-ignored',
    bug: 'a legal hold does not stop a version delete',
    build: () => ({ rules: { versionDeleteLock: (ctx) => defaultRules.versionDeleteLock({ ...ctx, version: { ...ctx.version, legalHold: false } }) } }),
    fails: [
      'lock.legal-hold.blocks-version-delete',
      'lock.legal-hold.over-bypass',
      'lock.legal-hold.outlives-retention',
    ],
  },
  {
    name: 'toy-lock',
    bug: 'a put to a key whose current version is locked is refused (a lock on the key, not the version)',
    build: () => ({
      rules: {
        putAllowed: (ctx) => {
          const c = ctx.current;
          if (c && (c.legalHold === true || retentionInForce(c.retention, ctx.now))) return { reason: 'retention', message: 'the key is locked (toy lock)' };
          return defaultRules.putAllowed(ctx);
        },
      },
    }),
    fails: [
      'lock.governance.put-on-locked-key',
      'lock.default-retention.clear',
    ],
  },
  {
    name: 'copy-alters-metadata',
    bug: 'a copy normalises metadata values (trimmed, lower-cased) instead of keeping them byte for byte',
    build: () => ({
      rules: {
        copyMetadata: (ctx) => {
          const out = defaultRules.copyMetadata(ctx);
          return { ...out, metadata: Object.fromEntries(Object.entries(out.metadata).map(([k, v]) => [k, v.trim().toLowerCase()])) };
        },
      },
    }),
    fails: [
      'metadata.copy-keeps',
      'metadata.copy-replaces',
      'copy.onto-itself-replace',
    ],
  },
  {
    name: 'small-middle-part-accepted',
    bug: 'a multipart complete accepts a part under the minimum size before the last part',
    build: () => ({ rules: { partSizes: () => null } }),
    fails: [
      'multipart.too-small-middle-part',
      'multipart.copy-part.too-small-middle-part',
    ],
  },
  {
    name: 'conditional-put-ignored',
    bug: 'ifMatch / ifNoneMatch on put and multipart complete are ignored',
    build: () => ({ rules: { conditionalWrite: () => null } }),
    fails: [
      'conditional.put-if-none-match',
      'conditional.put-if-match',
      'conditional.put-if-match-missing-key',
      'conditional.complete-if-none-match',
      'concurrency.if-none-match-race',
    ],
  },
  {
    name: 'cursor-unverified',
    bug: 'a listing cursor is accepted after tampering (its HMAC is not checked)',
    build: () => ({ storeOptions: { cursors: new UnverifiedCursorCodec() } }),
    fails: [
      'list.cursor-tampered',
      'list.cursor-other-listing',
      'list.versions.cursor-fresh-store',
    ],
  },
  {
    name: 'suffix-from-start',
    bug: 'a suffix range (last n bytes) is served from the start of the object',
    build: () => ({ wrapDriver: suffixFromStart }),
    fails: [
      'range.suffix',
      'range.single-bytes',
    ],
  },
  {
    name: 'no-delete-markers',
    bug: 'a delete without a version id in a versioned bucket destroys the current version instead of adding a delete marker',
    build: () => ({ wrapDriver: noDeleteMarkers }),
    fails: [
      'bucket.delete-with-only-versions-refused',
      'list.versions.delete-markers',
      'versioning.delete-makes-marker',
      'versioning.remove-marker-restores',
      'versioning.latest-flag',
      'lock.governance.plain-delete-adds-marker',
      'lock.legal-hold.plain-delete-adds-marker',
      'lock.marker-is-deletable',
    ],
  },
  {
    name: 'unquoted-etags',
    bug: 'ETags are returned without their quotes',
    build: () => ({ wrapDriver: unquotedEtags }),
    fails: [
      'object.round-trip',
      'object.etag-is-md5',
      'object.empty',
      'list.summaries-complete',
      'copy.round-trip',
      'copy.etag-matches-source',
    ],
  },
];
