import { equal, ok, rejects } from '../assert.js';
import type { CaseContext } from '../context.js';
import { defineGroup } from '../registry.js';

/** fetch with a time limit; the body is read as text (it is small). */
async function fetchText(url: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: await response.text() };
}

/** Alters a presigned URL in ways a signature must catch. */
function tamperings(url: string, otherKeyPath: (u: URL) => string): Array<{ what: string; url: string }> {
  const out: Array<{ what: string; url: string }> = [];
  const u = new URL(url);
  // 1. the path names another object
  const moved = new URL(url);
  moved.pathname = otherKeyPath(moved);
  out.push({ what: 'path changed to another key', url: moved.toString() });
  // 2. one character of every query value that looks like a signature or expiry
  for (const [name, value] of u.searchParams) {
    if (!/sig|signature|expires|date|credential|token/i.test(name) || value.length === 0) continue;
    const altered = new URL(url);
    const i = Math.floor(value.length / 2);
    const c = value[i] === '0' ? '1' : '0';
    altered.searchParams.set(name, value.slice(0, i) + c + value.slice(i + 1));
    out.push({ what: `query parameter ${name} altered`, url: altered.toString() });
  }
  // 3. a parameter added (an attempt to change the response)
  const added = new URL(url);
  added.searchParams.set('response-content-type', 'text/html');
  out.push({ what: 'a query parameter added', url: added.toString() });
  return out;
}

async function expiresSoon(ctx: CaseContext, url: string, init: RequestInit): Promise<void> {
  await ctx.clock.advance(2_500);
  const late = await fetchText(url, init);
  ok(late.status === 403 || late.status === 401 || late.status === 400, `an expired URL is refused with 403 (answered ${late.status})`);
}

export const presignCases = defineGroup('presign', [], {
  'get-fetch': {
    title: 'a presigned GET URL fetched with fetch() returns the object',
    requires: ['presign.get'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('g'), 'presigned body');
      const url = await ctx.store.presign(bucket, ctx.key('g'), { method: 'GET', expiresIn: 300 });
      ok(/^https?:\/\//.test(url), `presign returned a fetchable http(s) URL (got ${url.slice(0, 40)}…)`);
      const got = await fetchText(url);
      equal(got.status, 200, 'status');
      equal(got.body, 'presigned body', 'body');
    },
  },
  'put-fetch': {
    title: 'a presigned PUT URL fetched with fetch() stores the body',
    requires: ['presign.put'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const url = await ctx.store.presign(bucket, ctx.key('p'), { method: 'PUT', expiresIn: 300 });
      const put = await fetchText(url, { method: 'PUT', body: 'uploaded through a URL' });
      ok(put.status >= 200 && put.status < 300, `the PUT answers 2xx (answered ${put.status})`);
      equal(await ctx.text(bucket, ctx.key('p')), 'uploaded through a URL', 'stored body');
    },
  },
  'put-content-type': {
    title: 'a presigned PUT with a content type stores that type',
    requires: ['presign.put'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const url = await ctx.store.presign(bucket, ctx.key('t'), { method: 'PUT', expiresIn: 300, contentType: 'application/json' });
      const put = await fetchText(url, { method: 'PUT', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
      ok(put.status >= 200 && put.status < 300, `the PUT answers 2xx (answered ${put.status})`);
      equal((await ctx.store.head(bucket, ctx.key('t'))).contentType, 'application/json', 'stored contentType');
    },
  },
  'get-expired': {
    title: 'a presigned GET URL is refused (403) once expired',
    requires: ['presign.get'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('e'), 'x');
      const url = await ctx.store.presign(bucket, ctx.key('e'), { method: 'GET', expiresIn: 1 });
      await expiresSoon(ctx, url, {});
    },
  },
  'put-expired': {
    title: 'a presigned PUT URL is refused (403) once expired and stores nothing',
    requires: ['presign.put'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const url = await ctx.store.presign(bucket, ctx.key('e'), { method: 'PUT', expiresIn: 1 });
      await expiresSoon(ctx, url, { method: 'PUT', body: 'late' });
      await rejects(ctx.store.head(bucket, ctx.key('e')), 'ObjectNotFound', 'nothing stored by an expired URL');
    },
  },
  'get-tampered': {
    title: 'a presigned GET URL altered in path, signature, expiry or parameters is refused',
    requires: ['presign.get'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('a'), 'secret a');
      await ctx.put(bucket, ctx.key('b'), 'secret b');
      const url = await ctx.store.presign(bucket, ctx.key('a'), { method: 'GET', expiresIn: 300 });
      for (const t of tamperings(url, (u) => u.pathname.replace(/a$/, 'b'))) {
        const got = await fetchText(t.url);
        ok(got.status >= 400, `${t.what}: refused with 4xx (answered ${got.status})`);
        ok(!got.body.includes('secret'), `${t.what}: no object content in the answer`);
      }
    },
  },
  'put-tampered': {
    title: 'a presigned PUT URL moved to another key is refused and writes nothing',
    requires: ['presign.put'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const url = await ctx.store.presign(bucket, ctx.key('a'), { method: 'PUT', expiresIn: 300 });
      for (const t of tamperings(url, (u) => u.pathname.replace(/a$/, 'b'))) {
        const put = await fetchText(t.url, { method: 'PUT', body: 'intruder' });
        ok(put.status >= 400, `${t.what}: refused with 4xx (answered ${put.status})`);
      }
      await rejects(ctx.store.head(bucket, ctx.key('b')), 'ObjectNotFound', 'nothing written at the other key');
      await rejects(ctx.store.head(bucket, ctx.key('a')), 'ObjectNotFound', 'nothing written at the signed key');
    },
  },
  'method-bound': {
    title: 'a presigned GET URL cannot be used to PUT',
    requires: ['presign.get'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      await ctx.put(bucket, ctx.key('m'), 'original');
      const url = await ctx.store.presign(bucket, ctx.key('m'), { method: 'GET', expiresIn: 300 });
      const put = await fetchText(url, { method: 'PUT', body: 'overwritten' });
      ok(put.status >= 400, `a PUT with a GET URL is refused (answered ${put.status})`);
      equal(await ctx.text(bucket, ctx.key('m')), 'original', 'content after the refused PUT');
    },
  },
  'get-version': {
    title: 'a presigned GET of a version id returns that version',
    requires: ['presign.get', 'versioning'],
    async run(ctx) {
      const bucket = await ctx.versionedBucket();
      const old = await ctx.put(bucket, ctx.key('v'), 'old');
      await ctx.put(bucket, ctx.key('v'), 'new');
      const url = await ctx.store.presign(bucket, ctx.key('v'), { method: 'GET', expiresIn: 300, versionId: old.versionId });
      const got = await fetchText(url);
      equal(got.status, 200, 'status');
      equal(got.body, 'old', 'body of the old version');
    },
  },
  'get-missing-404': {
    title: 'a presigned GET of a missing key answers 404',
    requires: ['presign.get'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const url = await ctx.store.presign(bucket, ctx.key('missing'), { method: 'GET', expiresIn: 300 });
      equal((await fetchText(url)).status, 404, 'status');
    },
  },
  'expiry-bounds-before-io': {
    title: 'an expiry of 0, fractional, or over the declared maximum is rejected before any request',
    requires: ['presign.get'],
    async run(ctx) {
      const bucket = await ctx.bucket();
      const max = ctx.caps.presign!.maxExpirySeconds;
      for (const expiresIn of [0, -5, 1.5, max + 1]) {
        await ctx.rejectedBeforeIo((s) => s.presign(bucket, ctx.key('x'), { method: 'GET', expiresIn }), `expiresIn ${expiresIn}`);
      }
    },
  },
});
