import { HttpError } from '../../http/errors.js';

/**
 * A small XML builder and a minimal, safe parser for the few request bodies S3
 * has (CompleteMultipartUpload, Delete, VersioningConfiguration,
 * ObjectLockConfiguration, Retention, LegalHold, CreateBucketConfiguration).
 * The parser accepts elements, attributes, text, CDATA, comments and the
 * predefined / numeric entities; it refuses DTDs (so no entity expansion).
 */

export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Rendered XML (not to be escaped again). */
export class Xml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Child = Xml | string | number | boolean | null | undefined | readonly Child[];

export function escapeXml(text: string): string {
  let out = '';
  for (const ch of text) {
    switch (ch) {
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '"':
        out += '&quot;';
        break;
      case "'":
        out += '&apos;';
        break;
      default: {
        const code = ch.codePointAt(0)!;
        // CR and other control characters as references, so a key survives a parser's line-end normalisation.
        out += code < 0x20 && code !== 0x09 && code !== 0x0a ? `&#x${code.toString(16).toUpperCase()};` : code === 0x0d ? '&#xD;' : ch;
      }
    }
  }
  return out;
}

/** `x('Key', 'a&b')` → `<Key>a&amp;b</Key>`; attributes as a leading record; undefined children vanish. */
export function x(name: string, ...children: Array<Child | Record<string, string>>): Xml {
  let attrs = '';
  let body = '';
  const add = (c: Child): void => {
    if (c === undefined || c === null) return;
    if (Array.isArray(c)) {
      for (const item of c as readonly Child[]) add(item);
      return;
    }
    if (c instanceof Xml) body += c.text;
    else body += escapeXml(String(c));
  };
  children.forEach((c, i) => {
    if (i === 0 && c !== null && typeof c === 'object' && !Array.isArray(c) && !(c instanceof Xml)) {
      for (const [k, v] of Object.entries(c as Record<string, string>)) attrs += ` ${k}="${escapeXml(v)}"`;
    } else {
      add(c as Child);
    }
  });
  return new Xml(`<${name}${attrs}>${body}</${name}>`);
}

/** An element only when its value is defined. */
export function opt(name: string, value: string | number | boolean | undefined | null): Xml | undefined {
  return value === undefined || value === null ? undefined : x(name, value);
}

export function xmlDocument(root: Xml): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root.text}`;
}

// ---------------------------------------------------------------- parsing

export interface XmlElement {
  /** Local name (namespace prefix removed). */
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text content directly inside this element. */
  text: string;
}

function malformed(message = 'The XML you provided was not well-formed or did not validate against our published schema.'): HttpError {
  return new HttpError(400, 'MalformedXML', message);
}

const MAX_DEPTH = 32;

export function parseXml(input: string | Buffer): XmlElement {
  const src = typeof input === 'string' ? input : input.toString('utf8');
  let i = 0;
  const n = src.length;
  if (src.charCodeAt(0) === 0xfeff) i = 1;

  const skipMisc = () => {
    for (;;) {
      while (i < n && /\s/.test(src[i]!)) i++;
      if (src.startsWith('<?', i)) {
        const end = src.indexOf('?>', i + 2);
        if (end === -1) throw malformed();
        i = end + 2;
      } else if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i + 4);
        if (end === -1) throw malformed();
        i = end + 3;
      } else if (src.startsWith('<!', i) && !src.startsWith('<![CDATA[', i)) {
        throw malformed('DTDs and entity declarations are not accepted.');
      } else return;
    }
  };

  const readName = (): string => {
    const start = i;
    while (i < n && /[^\s/>=<"'!?]/.test(src[i]!)) i++;
    if (i === start) throw malformed();
    return src.slice(start, i);
  };

  const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

  const parseElement = (depth: number): XmlElement => {
    if (depth > MAX_DEPTH) throw malformed('The XML is nested too deeply.');
    if (src[i] !== '<') throw malformed();
    i++;
    const qname = readName();
    const el: XmlElement = { name: localName(qname), attributes: {}, children: [], text: '' };
    for (;;) {
      while (i < n && /\s/.test(src[i]!)) i++;
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      const attr = readName();
      while (i < n && /\s/.test(src[i]!)) i++;
      if (src[i] !== '=') throw malformed();
      i++;
      while (i < n && /\s/.test(src[i]!)) i++;
      const quote = src[i];
      if (quote !== '"' && quote !== "'") throw malformed();
      const end = src.indexOf(quote, i + 1);
      if (end === -1) throw malformed();
      el.attributes[attr] = decodeEntities(src.slice(i + 1, end));
      i = end + 1;
    }
    for (;;) {
      if (i >= n) throw malformed();
      if (src.startsWith('</', i)) {
        i += 2;
        const closing = readName();
        if (closing !== qname) throw malformed();
        while (i < n && /\s/.test(src[i]!)) i++;
        if (src[i] !== '>') throw malformed();
        i++;
        return el;
      }
      if (src.startsWith('<![CDATA[', i)) {
        const end = src.indexOf(']]>', i + 9);
        if (end === -1) throw malformed();
        el.text += src.slice(i + 9, end);
        i = end + 3;
      } else if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i + 4);
        if (end === -1) throw malformed();
        i = end + 3;
      } else if (src.startsWith('<?', i)) {
        const end = src.indexOf('?>', i + 2);
        if (end === -1) throw malformed();
        i = end + 2;
      } else if (src.startsWith('<!', i)) {
        throw malformed('DTDs and entity declarations are not accepted.');
      } else if (src[i] === '<') {
        el.children.push(parseElement(depth + 1));
      } else {
        const end = src.indexOf('<', i);
        if (end === -1) throw malformed();
        el.text += decodeEntities(src.slice(i, end));
        i = end;
      }
    }
  };

  skipMisc();
  if (i >= n) throw malformed('The XML document is empty.');
  const root = parseElement(0);
  skipMisc();
  if (i < n) throw malformed();
  return root;
}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text.replace(/\r\n?/g, '\n');
  // Line ends are normalised before references are expanded (a &#xD; survives).
  return text.replace(/\r\n?/g, '\n').replace(/&([^;&\s]{1,10});/g, (_, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!Number.isInteger(code) || code < 0 || code > 0x10ffff) throw malformed();
      return String.fromCodePoint(code);
    }
    const named = NAMED[ref];
    if (named === undefined) throw malformed(`Unknown XML entity &${ref};`);
    return named;
  });
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** The text of a direct child, or undefined. */
export function childText(el: XmlElement, name: string): string | undefined {
  return child(el, name)?.text;
}

export function expectRoot(el: XmlElement, name: string): XmlElement {
  if (el.name !== name) throw malformed(`Expected a <${name}> document, got <${el.name}>.`);
  return el;
}
