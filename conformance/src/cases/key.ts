import { checkKeyRule, isStowageError, utf8Length } from '@stowage/core';
import { bytesEqual, deepEqual, equal, fail, ok, rejects } from '../assert.js';
import { compareBytes, type CaseContext } from '../context.js';
import { text } from '../data.js';
import { defineGroup } from '../registry.js';

/** The declared key rule that rejects `key`, if any. */
function ruleRejecting(ctx: CaseContext, key: string): string | undefined {
  for (const rule of ctx.caps.keyRules) {
    const why = checkKeyRule(key, rule);
    if (why) return `${rule.rule}: ${why}`;
  }
  return undefined;
}

/**
 * The key contract: the key either round-trips through put, head, get, list
 * and delete exactly, or a declared key rule rejects it before any request —
 * and then the real server must refuse it too (asked directly, past core).
 */
async function keyContract(ctx: CaseContext, keys: readonly string[]): Promise<void> {
  const bucket = await ctx.bucket();
  for (const key of keys) {
    const rule = ruleRejecting(ctx, key);
    if (rule !== undefined) {
      await ctx.rejectedBeforeIo((s) => s.put(bucket, key, 'x'), `put of ${JSON.stringify(key)} (declared rule ${rule})`);
      await serverRefuses(ctx, bucket, key, rule);
      continue;
    }
    const body = text(`content of ${key}`);
    await ctx.put(bucket, key, body);
    bytesEqual(await ctx.store.getBytes(bucket, key), body, `get of ${JSON.stringify(key)}`);
    const info = await ctx.store.head(bucket, key);
    equal(info.key, key, `key reported by head of ${JSON.stringify(key)}`);
    const listed = await ctx.listAll(bucket, { prefix: key });
    ok(listed.keys.includes(key), `${JSON.stringify(key)} is listed under its own prefix (listed: ${JSON.stringify(listed.keys.slice(0, 5))})`);
    await ctx.store.delete(bucket, key);
    await rejects(ctx.store.head(bucket, key), 'ObjectNotFound', `head of ${JSON.stringify(key)} after its delete`);
  }
}

/** A declared key rule must be one the server enforces: ask the driver directly. */
async function serverRefuses(ctx: CaseContext, bucket: string, key: string, rule: string): Promise<void> {
  const signal = new AbortController().signal;
  let accepted = false;
  try {
    await ctx.driver.putObject({ bucket, key, body: text('x'), contentLength: 1, metadata: {}, signal });
    accepted = true;
  } catch (e) {
    if (isStowageError(e, 'BucketNotFound')) throw e;
  }
  if (accepted) {
    // A server may take such a key and store it under another (MinIO: "/k" becomes "k"):
    // the rule then keeps the key from being silently renamed. It holds when the key,
    // read back by listing, is not there.
    const listed = await ctx.driver
      .listObjects({ bucket, prefix: key, maxKeys: 10, signal })
      .then((page) => page.objects.some((o) => o.key === key))
      .catch(() => true);
    await ctx.driver.deleteObject({ bucket, key, signal }).catch(() => {});
    if (listed) fail(`the declared key rule (${rule}) rejects ${JSON.stringify(key)}, but the server accepts it: the rule is not one the server enforces`);
  }
}

/** Two keys that a careless client would confuse must stay two objects. */
async function distinct(ctx: CaseContext, a: string, b: string): Promise<void> {
  const bucket = await ctx.bucket();
  const usable = [a, b].filter((k) => ruleRejecting(ctx, k) === undefined);
  for (const k of usable) await ctx.put(bucket, k, `content of ${k}`);
  for (const k of usable) equal(await ctx.text(bucket, k), `content of ${k}`, `content of ${JSON.stringify(k)} next to ${JSON.stringify(usable.find((o) => o !== k))}`);
  const listed = new Set<string>();
  for (const k of usable) for (const l of (await ctx.listAll(bucket, { prefix: k })).keys) listed.add(l);
  for (const k of usable) ok(listed.has(k), `${JSON.stringify(k)} is listed`);
  await keyContract(ctx, [a, b].filter((k) => ruleRejecting(ctx, k) !== undefined));
}

function printableAscii(): string {
  let s = '';
  for (let c = 0x20; c <= 0x7e; c++) s += String.fromCharCode(c);
  return s;
}

export const keyCases = defineGroup('key', [], {
  unicode: {
    title: 'keys in accented Latin, CJK, Cyrillic and right-to-left scripts round-trip',
    async run(ctx) {
      await keyContract(ctx, [ctx.key('ünïcödé/日本語/ключ'), ctx.key('עברית/عربي'), ctx.key('\u00a0nbsp\u2028sep')]);
    },
  },
  emoji: {
    title: 'keys with emoji (4-byte UTF-8, surrogate pairs in JS) round-trip',
    async run(ctx) {
      await keyContract(ctx, [ctx.key('😀🚀/🎉'), ctx.key('flag-🇨🇭-zwj-👩‍💻')]);
    },
  },
  spaces: {
    title: 'keys with single, double, leading and trailing spaces round-trip',
    async run(ctx) {
      await keyContract(ctx, [ctx.key('with space'), ctx.key(' two  spaces '), ctx.key('trailing ')]);
    },
  },
  plus: {
    title: 'a "+" in a key stays a plus, never becomes a space',
    async run(ctx) {
      await keyContract(ctx, [ctx.key('a+b+c'), ctx.key('+lead')]);
      await distinct(ctx, ctx.key('x+y'), ctx.key('x y'));
    },
  },
  percent: {
    title: 'a "%" in a key is literal (no percent-decoding anywhere)',
    async run(ctx) {
      await keyContract(ctx, [ctx.key('100%'), ctx.key('50%off/%zz'), ctx.key('%')]);
    },
  },
  'percent-20': {
    title: '"%20" in a key is three characters, distinct from a space',
    async run(ctx) {
      await distinct(ctx, ctx.key('a%20b'), ctx.key('a b'));
      await distinct(ctx, ctx.key('c%2Fd'), ctx.key('c/d'));
    },
  },
  'double-slash': {
    title: '"//" in a key is kept (no path normalisation)',
    async run(ctx) {
      await keyContract(ctx, [ctx.key('a//b'), ctx.key('x///y')]);
      await distinct(ctx, ctx.key('p//q'), ctx.key('p/q'));
    },
  },
  'dot-slash': {
    title: '"./" segments are kept, at the start and inside a key',
    async run(ctx) {
      await keyContract(ctx, [`./${ctx.key('start')}`, ctx.key('a/./b'), ctx.key('.')]);
    },
  },
  'dot-dot-slash': {
    title: '"../" segments are kept and never resolve to another key',
    async run(ctx) {
      await keyContract(ctx, [`../${ctx.key('start')}`, ctx.key('a/../b'), ctx.key('..')]);
      await distinct(ctx, ctx.key('q/../r'), ctx.key('r'));
    },
  },
  'trailing-slash': {
    title: 'a key ending in "/" is an object of its own',
    async run(ctx) {
      await keyContract(ctx, [ctx.key('dir/')]);
      await distinct(ctx, ctx.key('folder/'), ctx.key('folder'));
    },
  },
  'leading-slash': {
    title: 'a key starting with "/" is kept as is',
    async run(ctx) {
      await keyContract(ctx, [`/${ctx.key('abs')}`]);
      await distinct(ctx, `/${ctx.key('rel')}`, ctx.key('rel'));
    },
  },
  'max-length': {
    title: `a key of exactly the declared maximum bytes (1024 on S3), in ASCII and in 3-byte characters`,
    async run(ctx) {
      const max = ctx.caps.maxKeyBytes;
      const base = ctx.key('');
      const ascii = base + 'a'.repeat(max - utf8Length(base));
      const fill = max - utf8Length(base);
      const wide = base + '語'.repeat(Math.floor(fill / 3)) + 'b'.repeat(fill % 3);
      equal(utf8Length(ascii), max, 'test key length');
      equal(utf8Length(wide), max, 'test key length');
      await keyContract(ctx, [ascii, wide]);
    },
  },
  'printable-ascii': {
    title: 'a key with every printable ASCII character round-trips (or a declared rule refuses it)',
    async run(ctx) {
      await keyContract(ctx, [ctx.key(printableAscii())]);
    },
  },
  'xml-and-url-specials': {
    title: 'keys with XML and URL metacharacters (<>&"\'?#=;) round-trip',
    async run(ctx) {
      await keyContract(ctx, [ctx.key('<tag attr="v">&amp;</tag>'), ctx.key("it's?a=b&c=d#frag;x"), ctx.key('back\\slash')]);
    },
  },
  'control-characters': {
    title: 'keys with tab and newline round-trip (or a declared rule refuses them)',
    async run(ctx) {
      await keyContract(ctx, [ctx.key('tab\there'), ctx.key('line\nbreak'), ctx.key('cr\rhere')]);
    },
  },
  'case-sensitive': {
    title: 'keys differing only in case are distinct',
    async run(ctx) {
      await distinct(ctx, ctx.key('Key'), ctx.key('key'));
    },
  },
  'no-unicode-normalisation': {
    title: 'NFC and NFD spellings of a key are distinct objects',
    async run(ctx) {
      await distinct(ctx, ctx.key('caf\u00e9'), ctx.key('cafe\u0301'));
    },
  },
  'non-utf8-rejected-before-io': {
    title: 'keys that are not valid UTF-8 (lone surrogates) are rejected before any request',
    async run(ctx) {
      const bucket = await ctx.bucket();
      for (const key of [ctx.key('lone-\ud800'), ctx.key('lone-\udfff-low'), ctx.key('reversed-\udc00\ud800')]) {
        await ctx.rejectedBeforeIo((s) => s.put(bucket, key, 'x'), `put of ${JSON.stringify(key)}`);
        await ctx.rejectedBeforeIo((s) => s.get(bucket, key), `get of ${JSON.stringify(key)}`);
        await ctx.rejectedBeforeIo((s) => s.delete(bucket, key), `delete of ${JSON.stringify(key)}`);
      }
    },
  },
  'over-long-rejected-before-io': {
    title: 'keys one byte over the maximum (counted in UTF-8 bytes, not characters) and the empty key are rejected before any request',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const max = ctx.caps.maxKeyBytes;
      const ascii = 'a'.repeat(max + 1);
      const wide = 'é'.repeat(Math.ceil((max + 1) / 2)); // fewer characters than max, more bytes
      ok(wide.length <= max, 'test key is short in characters');
      for (const key of [ascii, wide, '']) {
        await ctx.rejectedBeforeIo((s) => s.put(bucket, key, 'x'), `put of a ${utf8Length(key)}-byte key`);
        await ctx.rejectedBeforeIo((s) => s.head(bucket, key), `head of a ${utf8Length(key)}-byte key`);
      }
    },
  },
  'listed-in-byte-order': {
    title: 'a set of awkward keys is listed back exactly, in UTF-8 byte order',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const names = ['a b', 'a+b', 'a%20b', 'a//b', 'a/b', 'a-/x', 'é', 'e\u0301', '😀', '\uffff', 'z', 'A', '~', '日本'];
      const keys = names.map((n) => ctx.key(n)).filter((k) => ruleRejecting(ctx, k) === undefined);
      await ctx.putMany(bucket, keys);
      const listed = await ctx.listAll(bucket, { prefix: ctx.key() });
      deepEqual(listed.keys, [...keys].sort(compareBytes), 'keys listed');
    },
  },
  'special-in-copy': {
    title: 'copy works between keys with spaces, plus, percent and unicode',
    requires: ['copy'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const source = ctx.key('src a+b%20c é😀');
      const target = ctx.key('dst ../x?y#z');
      await ctx.put(bucket, source, 'payload');
      await ctx.store.copy({ bucket, key: source }, { bucket, key: target });
      equal(await ctx.text(bucket, target), 'payload', 'copied content');
    },
  },
  'special-in-batch-delete': {
    title: 'batch delete removes keys with spaces, plus, percent, XML specials and unicode',
    async run(ctx) {
      const bucket = await ctx.bucket();
      const all = ['a b', 'a+b', 'a%2Fb', '<x>&"y"', 'ключ😀', 'q?r#s'].map((n) => ctx.key(n));
      // Keys a declared rule refuses cannot exist to be deleted: the key contract proves the refusal instead.
      await keyContract(ctx, all.filter((k) => ruleRejecting(ctx, k) !== undefined));
      const keys = all.filter((k) => ruleRejecting(ctx, k) === undefined);
      if (keys.length === 0) return;
      await ctx.putMany(bucket, keys);
      const results = await ctx.store.deleteMany(bucket, keys);
      deepEqual(results.map((r) => [r.key, r.deleted]), keys.map((k) => [k, true]), 'results');
      equal((await ctx.listAll(bucket, { prefix: ctx.key() })).keys.length, 0, 'keys left');
    },
  },
  'special-in-multipart': {
    title: 'a multipart upload to a key with spaces, plus and unicode completes at that key',
    requires: ['multipart'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const key = ctx.key('mp a+b %41 日本');
      const upload = await ctx.store.createMultipartUpload(bucket, key);
      const part = await ctx.store.uploadPart(upload, 1, 'only part');
      await ctx.store.completeMultipartUpload(upload, [part]);
      equal(await ctx.text(bucket, key), 'only part', 'content');
    },
  },
  'special-in-presign': {
    title: 'a presigned GET of a key with spaces, plus, percent and unicode fetches that object',
    requires: ['presign.get'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const key = ctx.key('pre sign+a%20b/é😀');
      // A key a declared rule refuses cannot be presigned for: the key contract proves the refusal instead.
      if (ruleRejecting(ctx, key) !== undefined) return keyContract(ctx, [key]);
      await ctx.put(bucket, key, 'signed content');
      const url = await ctx.store.presign(bucket, key, { method: 'GET', expiresIn: 300 });
      const response = await fetch(url);
      equal(response.status, 200, 'status of the presigned GET');
      equal(await response.text(), 'signed content', 'body of the presigned GET');
    },
  },
});
