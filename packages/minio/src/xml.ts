import { XMLParser } from 'fast-xml-parser';

/**
 * XML of S3 answers, read as strings only. (The MinIO client's own parsers
 * turn number-like values into numbers: a key listed as `0123` comes back as
 * the number 123, so the adapter reads listings with this parser instead.)
 */
const ARRAYS = new Set(['Contents', 'CommonPrefixes', 'Version', 'DeleteMarker', 'Part', 'Upload', 'Deleted', 'Error', 'Bucket', 'Rule', 'Tag']);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  processEntities: true,
  // MinIO writes the quotes of ETags as &#34;: numeric character references too
  htmlEntities: true,
  isArray: (name, jpath) => ARRAYS.has(name) && !/^Error\./.test(String(jpath)) && String(jpath) !== 'Error',
});

export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[] | undefined;

export function parseXml(text: string): XmlNode {
  return parser.parse(text) as XmlNode;
}

/** A child as a string ('' for an empty element, undefined when absent). */
export function text(node: XmlValue, name: string): string | undefined {
  if (node === undefined || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const v = node[name];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return typeof v[0] === 'string' ? v[0] : undefined;
  // an element with attributes or children only: its text, if any
  const t = (v as XmlNode)['#text'];
  return typeof t === 'string' ? t : '';
}

/** Children that repeat (always an array). */
export function list(node: XmlValue, name: string): XmlNode[] {
  if (node === undefined || typeof node !== 'object' || Array.isArray(node)) return [];
  const v = node[name];
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((x) => (typeof x === 'object' && x !== null && !Array.isArray(x) ? x : ({ '#text': typeof x === 'string' ? x : '' } as XmlNode)));
}

/** RFC 3986 escaping for query values (what S3 signs). */
export function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Escapes text for an XML element; tab, newline and carriage return as
 * character references (a parser would normalise them raw: "\r" becomes "\n").
 */
export function xmlEscape(value: string): string {
  return value.replace(/[&<>"'\t\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' })[c]!);
}
