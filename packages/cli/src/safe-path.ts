import { mkdir, realpath } from 'node:fs/promises';
import { dirname, relative, resolve, sep, isAbsolute } from 'node:path';

/** Why a key cannot be written under a local folder. */
export class UnsafeKeyError extends Error {
  override readonly name = 'UnsafeKeyError';
  readonly code = 'UNSAFE_KEY';
}

/**
 * The local path for `relativeKey` (a key with the copied prefix removed)
 * under `root`, or an UnsafeKeyError. A key never writes outside `root`:
 * absolute keys, `.` / `..` segments, empty segments (`a//b`, a leading `/`)
 * and NUL are refused rather than rewritten (a rewritten `a/../b` would
 * silently collide with the real `b`); on Windows a backslash is too. The
 * resolved path is checked to be inside `root` as well.
 */
export function localPathFor(root: string, relativeKey: string): string {
  if (relativeKey === '') throw new UnsafeKeyError('the key is empty after the prefix');
  if (relativeKey.includes('\0')) throw new UnsafeKeyError('the key contains a NUL character');
  if (process.platform === 'win32' && /[\\:]/.test(relativeKey)) throw new UnsafeKeyError('the key contains "\\" or ":", which are not file-name characters on Windows');
  const segments = relativeKey.split('/');
  for (const s of segments) {
    if (s === '') throw new UnsafeKeyError('the key has an empty path segment (a leading "/" or "//")');
    if (s === '.' || s === '..') throw new UnsafeKeyError(`the key has a "${s}" segment, which would leave or alias the destination folder`);
  }
  const base = resolve(root);
  const full = resolve(base, ...segments);
  const rel = relative(base, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new UnsafeKeyError('the key resolves outside the destination folder');
  return full;
}

/**
 * Creates the parent folders of `path` and checks, on the real file system,
 * that the parent is still inside `root` (a symbolic link inside the
 * destination must not lead a key outside it).
 */
export async function prepareParent(root: string, path: string): Promise<void> {
  const parent = dirname(path);
  await mkdir(parent, { recursive: true });
  const realRoot = await realpath(resolve(root));
  const realParent = await realpath(parent);
  if (realParent !== realRoot && !realParent.startsWith(realRoot + sep)) {
    throw new UnsafeKeyError(`the folder ${parent} leads outside ${root} (a symbolic link)`);
  }
}
