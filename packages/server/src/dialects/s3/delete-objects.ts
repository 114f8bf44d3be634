import type { DeleteManyEntry } from '@stowage/core';
import { HttpError } from '../../http/errors.js';
import { sendXml } from '../../http/response.js';
import { readXml, requireBodyChecksum, type S3Call } from './call.js';
import { toS3Error } from './errors.js';
import { bypassGovernance } from './headers.js';
import { childrenNamed, childText, expectRoot, opt, S3_NS, x, xmlDocument } from './xml.js';

export async function deleteObjects(call: S3Call): Promise<void> {
  requireBodyChecksum(call);
  const doc = expectRoot((await readXml(call))!, 'Delete');
  const quiet = childText(doc, 'Quiet')?.trim().toLowerCase() === 'true';
  const objects = childrenNamed(doc, 'Object');
  const max = call.store.capabilities.batchDeleteMax ?? 1000;
  if (objects.length === 0 || objects.length > max) throw new HttpError(400, 'MalformedXML', `The request must name between 1 and ${max} objects.`);
  const entries: DeleteManyEntry[] = objects.map((o) => {
    const key = childText(o, 'Key');
    if (key === undefined || key === '') throw new HttpError(400, 'MalformedXML', 'Every Object needs a Key.');
    const versionId = childText(o, 'VersionId')?.trim();
    return versionId ? { key, versionId } : { key };
  });
  const results = await call.store.deleteMany(call.bucket, entries, { bypassGovernanceRetention: bypassGovernance(call.ctx) || undefined, signal: call.ctx.signal });
  const xml = x(
    'DeleteResult',
    { xmlns: S3_NS },
    results.map((r) => {
      if (r.deleted) {
        if (quiet) return undefined;
        return x(
          'Deleted',
          x('Key', r.key),
          opt('VersionId', r.versionId),
          r.deleteMarker ? x('DeleteMarker', true) : undefined,
          opt('DeleteMarkerVersionId', r.deleteMarker ? r.deleteMarkerVersionId : undefined),
        );
      }
      const err = toS3Error(r.error, { bucket: call.bucket, key: r.key, versionId: r.versionId });
      return x('Error', x('Key', r.key), opt('VersionId', r.versionId), x('Code', err.code), x('Message', err.message));
    }),
  );
  sendXml(call.ctx, 200, xmlDocument(xml));
}
