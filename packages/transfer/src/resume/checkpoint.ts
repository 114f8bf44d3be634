import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidArgumentError } from '@stowage/core';
import type { PartSchedule } from '../upload/part-planner.js';

/** Format version of {@link UploadCheckpoint}; a checkpoint of another version is refused. */
export const CHECKPOINT_VERSION = 1;

/** What the uploaded bytes came from: a file's path, size and mtime (ms), or bytes of a known size. */
export type SourceIdentity = { kind: 'file'; path: string; size: number; mtimeMs: number } | { kind: 'bytes'; size: number };

/** One acknowledged part. `md5` (hex) when it was computed here; `checksum` the server-verified one (base64). */
export interface CheckpointPart {
  partNumber: number;
  size: number;
  etag: string;
  md5?: string;
  checksum?: { algorithm: string; value: string };
}

/** The state of a multipart upload, saved after creation and after each acknowledged part. */
export interface UploadCheckpoint {
  version: typeof CHECKPOINT_VERSION;
  bucket: string;
  key: string;
  uploadId: string;
  schedule: PartSchedule;
  size: number;
  source: SourceIdentity;
  /** The server-verified part checksum algorithm, or null. */
  checksum: string | null;
  /** The upload was created with a full-object CRC32 (parts and completion must carry theirs). */
  objectChecksum?: 'crc32';
  parts: CheckpointPart[];
  createdAt: string;
  updatedAt: string;
}

/** Where checkpoints live. `save` must be atomic: a reader sees the old or the new state, never half of one. */
export interface CheckpointStore {
  load(): Promise<UploadCheckpoint | undefined>;
  save(checkpoint: UploadCheckpoint): Promise<void>;
  remove(): Promise<void>;
}

/** A JSON file, replaced atomically (write a sibling temp file, fsync'd, then rename). */
export class FileCheckpointStore implements CheckpointStore {
  constructor(readonly path: string) {}

  async load(): Promise<UploadCheckpoint | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return parseCheckpoint(text, this.path);
  }

  async save(checkpoint: UploadCheckpoint): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(checkpoint), { flush: true });
      await rename(tmp, this.path);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => {});
      throw e;
    }
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

/** In memory (tests, or a caller that persists elsewhere). */
export class MemoryCheckpointStore implements CheckpointStore {
  private text: string | undefined;
  async load() {
    return this.text === undefined ? undefined : parseCheckpoint(this.text, 'memory');
  }
  async save(c: UploadCheckpoint) {
    this.text = JSON.stringify(c);
  }
  async remove() {
    this.text = undefined;
  }
}

export function parseCheckpoint(text: string, where: string): UploadCheckpoint {
  let c: UploadCheckpoint;
  try {
    c = JSON.parse(text) as UploadCheckpoint;
  } catch {
    throw new InvalidArgumentError('checkpoint', `${where} is not a valid checkpoint (not JSON)`);
  }
  if (c?.version !== CHECKPOINT_VERSION || typeof c.uploadId !== 'string' || !Array.isArray(c.parts) || typeof c.schedule?.initial !== 'number') {
    throw new InvalidArgumentError('checkpoint', `${where} is not a version ${CHECKPOINT_VERSION} upload checkpoint`);
  }
  return c;
}

export function toCheckpointStore(c: CheckpointStore | string): CheckpointStore {
  return typeof c === 'string' ? new FileCheckpointStore(c) : c;
}

/** The identity of a file now, to compare with a checkpoint's. */
export async function fileIdentity(path: string): Promise<SourceIdentity> {
  const st = await stat(path);
  return { kind: 'file', path, size: st.size, mtimeMs: st.mtimeMs };
}

export function sameSource(a: SourceIdentity, b: SourceIdentity): boolean {
  if (a.kind !== b.kind || a.size !== b.size) return false;
  if (a.kind === 'file' && b.kind === 'file') return a.path === b.path && a.mtimeMs === b.mtimeMs;
  return true;
}
