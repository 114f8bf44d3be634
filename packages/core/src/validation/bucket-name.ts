import { InvalidArgumentError } from '../errors/stowage-error.js';

/**
 * S3's DNS-compatible bucket naming rules: 3–63 characters of lower-case
 * letters, digits, `.` and `-`; starts and ends with a letter or digit; no `..`,
 * no `.-` / `-.`, not an IPv4 address, none of the reserved prefixes/suffixes.
 */
export function validateBucketName(name: unknown): asserts name is string {
  const fail = (why: string): never => {
    throw new InvalidArgumentError('bucket', why);
  };
  if (typeof name !== 'string') fail('must be a string');
  const n = name as string;
  if (n.length < 3 || n.length > 63) fail(`must be 3 to 63 characters long (got ${n.length})`);
  if (!/^[a-z0-9.-]+$/.test(n)) fail('may contain only lower-case letters, digits, "." and "-"');
  if (!/^[a-z0-9]/.test(n) || !/[a-z0-9]$/.test(n)) fail('must start and end with a letter or digit');
  if (n.includes('..')) fail('must not contain ".."');
  if (n.includes('.-') || n.includes('-.')) fail('must not contain ".-" or "-."');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(n)) fail('must not be formatted as an IP address');
  if (n.startsWith('xn--') || n.startsWith('sthree-') || n.startsWith('amzn-s3-demo-')) fail('uses a reserved prefix');
  if (n.endsWith('-s3alias') || n.endsWith('--ol-s3') || n.endsWith('.mrap') || n.endsWith('--x-s3')) fail('uses a reserved suffix');
}
