/** One `--include` / `--exclude` pattern, in command-line order. */
export interface Filter {
  kind: 'include' | 'exclude';
  pattern: string;
  re: RegExp;
}

/**
 * A glob over the path relative to the copied folder or prefix: `*` matches
 * any run of characters (`/` included), `?` one character, `[abc]` / `[!abc]`
 * a set. As in `aws s3 cp`: everything is included until a filter says
 * otherwise, and the last matching filter wins.
 */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) {
        re += '\\[';
        continue;
      }
      let set = glob.slice(i + 1, end);
      const negate = set.startsWith('!');
      if (negate) set = set.slice(1);
      re += `[${negate ? '^' : ''}${set.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

export function makeFilters(ordered: Array<{ kind: 'include' | 'exclude'; pattern: string }>): Filter[] {
  return ordered.map((f) => ({ ...f, re: globToRegExp(f.pattern) }));
}

export function selected(filters: readonly Filter[], relativePath: string): boolean {
  let included = true;
  for (const f of filters) if (f.re.test(relativePath)) included = f.kind === 'include';
  return included;
}
