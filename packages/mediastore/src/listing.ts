import { compareUtf8, InvalidArgumentError } from '@stowage/core';
import { MEDIASTORE_CAPS } from './capabilities.js';

/** One ListItems item, as the driver needs it. */
export interface ListedItem {
  name: string;
  type: 'OBJECT' | 'FOLDER';
  etag?: string;
  lastModified?: Date;
  size?: number;
}

export interface ListedPage {
  items: ListedItem[];
  nextToken?: string;
}

/** ListItems of one folder (`''` is the container's root; otherwise `a/b/`). */
export type FetchPage = (folder: string, token: string | undefined, maxResults: number) => Promise<ListedPage>;

/**
 * A position in a folder walk. The walk is a stack of folders; each frame
 * says where in its folder's listing it stands: the ListItems page (`t`, the
 * NextToken that fetched it, absent for the first page) and the last item
 * consumed in it (`a`, compared as the item's name, plus "/" for a folder: the
 * order ListItems answers in). A resumed frame fetches its page again and
 * skips what it had consumed, so keys added or removed meanwhile neither
 * repeat nor vanish.
 */
export interface Frame {
  /** The folder's key prefix: `''` or `a/b/`. */
  p: string;
  /** The NextToken of the page the position is in. */
  t?: string;
  /** When `t` was received (ms since the epoch), to tell an expired token before sending it. */
  at?: number;
  /** The sort name of the last item consumed in that page. */
  a?: string;
  /** Only names starting with this (the part of a listing prefix after its last "/"). */
  n?: string;
}

export type Entry = { kind: 'object'; key: string; item: ListedItem } | { kind: 'prefix'; prefix: string };

/**
 * Walks a container's folders with ListItems. `level` mode lists one folder
 * (folders come back as common prefixes, the delimiter "/" listing);
 * `recursive` mode descends into each folder where it appears, which yields
 * every key under the prefix in UTF-8 order, since items come sorted by name
 * and a folder sorts as its name plus "/".
 */
export class FolderWalker {
  private readonly pages = new Map<Frame, ListedPage>();
  private readonly exhausted = new Set<Frame>();

  constructor(
    readonly mode: 'level' | 'recursive',
    private frames: Frame[],
    private readonly fetch: FetchPage,
    private readonly now: () => number,
  ) {}

  /** The next object (or, in level mode, common prefix); undefined at the end. `need` sizes the pages asked for. */
  async next(need = 1): Promise<Entry | undefined> {
    while (this.frames.length > 0) {
      const frame = this.frames[this.frames.length - 1]!;
      let page = this.pages.get(frame);
      if (!page) {
        // A page fetched again to skip what was consumed is asked for whole.
        const maxResults = frame.a !== undefined ? MEDIASTORE_CAPS.maxResults : Math.min(MEDIASTORE_CAPS.maxResults, need + 1);
        page = await this.fetch(frame.p, frame.t, maxResults);
        this.pages.set(frame, page);
      }
      const found = this.scan(frame, page);
      if (found) {
        frame.a = sortName(found);
        if (found.type === 'OBJECT') return { kind: 'object', key: frame.p + found.name, item: found };
        if (this.mode === 'level') return { kind: 'prefix', prefix: `${frame.p}${found.name}/` };
        this.frames.push({ p: `${frame.p}${found.name}/` });
        continue;
      }
      if (!this.exhausted.has(frame) && page.nextToken) {
        this.pages.delete(frame);
        frame.t = page.nextToken;
        frame.at = this.now();
        delete frame.a;
        continue;
      }
      this.frames.pop();
    }
    return undefined;
  }

  /** The first item of the page after the frame's position that its filter admits. */
  private scan(frame: Frame, page: ListedPage): ListedItem | undefined {
    for (const item of page.items) {
      const name = sortName(item);
      if (frame.a !== undefined && compareUtf8(name, frame.a) <= 0) continue;
      if (frame.n !== undefined && !name.startsWith(frame.n)) {
        // Items are sorted: past the filter's range, nothing more can match.
        if (compareUtf8(name, frame.n) > 0) {
          this.exhausted.add(frame);
          return undefined;
        }
        continue;
      }
      return item;
    }
    return undefined;
  }

  /** A walker at the same position whose moves do not affect this one (to look ahead). */
  clone(): FolderWalker {
    const frames = this.frames.map((f) => ({ ...f }));
    const copy = new FolderWalker(this.mode, frames, this.fetch, this.now);
    this.frames.forEach((f, i) => {
      const page = this.pages.get(f);
      if (page) copy.pages.set(frames[i]!, page);
      if (this.exhausted.has(f)) copy.exhausted.add(frames[i]!);
    });
    return copy;
  }

  /** The position, as the driver's continuation token. */
  token(): string {
    return JSON.stringify({ v: 1, m: this.mode === 'level' ? 'l' : 'r', f: this.frames });
  }

  /** A walker resumed from `token()`; refuses a token of another mode, or one whose NextToken has expired. */
  static resume(token: string, mode: 'level' | 'recursive', fetch: FetchPage, now: () => number): FolderWalker {
    let parsed: { v?: unknown; m?: unknown; f?: unknown };
    try {
      parsed = JSON.parse(token) as typeof parsed;
    } catch {
      throw new InvalidArgumentError('cursor', 'is not a MediaStore listing position');
    }
    if (parsed.v !== 1 || parsed.m !== (mode === 'level' ? 'l' : 'r') || !Array.isArray(parsed.f) || parsed.f.length === 0) {
      throw new InvalidArgumentError('cursor', 'is not a MediaStore listing position for this listing');
    }
    const frames = parsed.f as Frame[];
    for (const f of frames) {
      if (f === null || typeof f !== 'object' || typeof f.p !== 'string') throw new InvalidArgumentError('cursor', 'is not a MediaStore listing position');
      if (f.t !== undefined && typeof f.at === 'number' && now() - f.at > MEDIASTORE_CAPS.tokenLifetimeMs) {
        throw new InvalidArgumentError(
          'cursor',
          `has expired: it holds a MediaStore ListItems NextToken from ${new Date(f.at).toISOString()}, and those tokens expire after 15 minutes; start the listing again`,
        );
      }
    }
    return new FolderWalker(mode, frames, fetch, now);
  }
}

function sortName(item: ListedItem): string {
  return item.type === 'FOLDER' ? `${item.name}/` : item.name;
}

const SEGMENT = /^[A-Za-z0-9_.~-]+$/;

/**
 * The folder and name filter a listing prefix stands for, or undefined when
 * no MediaStore path can start with it (then nothing is listed, and nothing
 * is asked).
 */
export function splitPrefix(prefix: string): { folder: string; filter: string | undefined } | undefined {
  const cut = prefix.lastIndexOf('/') + 1;
  const folder = prefix.slice(0, cut);
  const filter = prefix.slice(cut);
  if (folder !== '') {
    const segments = folder.slice(0, -1).split('/');
    if (segments.length > MEDIASTORE_CAPS.maxSegments - 1) return undefined;
    if (segments.some((s) => !SEGMENT.test(s) || s === '.' || s === '..')) return undefined;
    if (folder.length >= MEDIASTORE_CAPS.maxPathLength) return undefined;
  }
  if (filter !== '' && !SEGMENT.test(filter)) return undefined;
  return { folder, filter: filter === '' ? undefined : filter };
}
