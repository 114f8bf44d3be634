/** An ETag without quotes or a weak prefix, for comparison. */
export function bareEtag(etag: string): string {
  let e = etag.trim();
  if (e.startsWith('W/')) e = e.slice(2);
  if (e.length >= 2 && e.startsWith('"') && e.endsWith('"')) e = e.slice(1, -1);
  return e;
}

/**
 * Does an If-Match / If-None-Match value match an ETag? `*` matches any
 * existing object; otherwise a comma-separated list of ETags, quoted or not.
 */
export function etagMatches(condition: string, etag: string): boolean {
  if (condition.trim() === '*') return true;
  const wanted = bareEtag(etag);
  return condition.split(',').some((candidate) => bareEtag(candidate) === wanted);
}
