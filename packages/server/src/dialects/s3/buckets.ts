import { send, sendXml } from '../../http/response.js';
import { HttpError } from '../../http/errors.js';
import { childText, expectRoot, S3_NS, x, xmlDocument } from './xml.js';
import { isoDate } from './headers.js';
import { readXml, type S3Call } from './call.js';

export async function listBuckets(call: S3Call): Promise<void> {
  const buckets = await call.store.listBuckets({ signal: call.ctx.signal });
  const xml = x(
    'ListAllMyBucketsResult',
    { xmlns: S3_NS },
    x('Owner', x('ID', call.owner.id), x('DisplayName', call.owner.displayName)),
    x(
      'Buckets',
      buckets.map((b) => x('Bucket', x('Name', b.name), x('CreationDate', isoDate(b.createdAt ?? new Date(0))))),
    ),
  );
  sendXml(call.ctx, 200, xmlDocument(xml));
}

export async function createBucket(call: S3Call): Promise<void> {
  const { ctx, store, bucket } = call;
  const config = await readXml(call, { optional: true });
  let location: string | undefined;
  if (config) {
    expectRoot(config, 'CreateBucketConfiguration');
    location = childText(config, 'LocationConstraint')?.trim() || undefined;
  }
  if (location !== undefined && location !== call.server.region && !(location === 'US' && call.server.region === 'us-east-1')) {
    if (!store.capabilities.bucketRegion) {
      throw new HttpError(400, 'IllegalLocationConstraintException', `The ${location} location constraint is incompatible for the region specific endpoint this request was sent to.`);
    }
  } else {
    location = undefined;
  }
  const objectLock = (ctx.header('x-amz-bucket-object-lock-enabled') ?? '').trim().toLowerCase() === 'true';
  await store.createBucket(bucket, { region: location, objectLock: objectLock || undefined, signal: ctx.signal });
  send(ctx, 200, { Location: `/${bucket}` });
}

export async function headBucket(call: S3Call): Promise<void> {
  const exists = await call.store.bucketExists(call.bucket, { signal: call.ctx.signal });
  if (!exists) throw new HttpError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: call.bucket });
  send(call.ctx, 200, { 'x-amz-bucket-region': call.server.region });
}

export async function deleteBucket(call: S3Call): Promise<void> {
  await call.store.deleteBucket(call.bucket, { signal: call.ctx.signal });
  send(call.ctx, 204);
}

export async function getBucketLocation(call: S3Call): Promise<void> {
  const buckets = await call.store.listBuckets({ signal: call.ctx.signal });
  const found = buckets.find((b) => b.name === call.bucket);
  if (!found) throw new HttpError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: call.bucket });
  const region = found.region ?? call.server.region;
  // us-east-1 is the empty constraint, as S3 answers it.
  sendXml(call.ctx, 200, xmlDocument(x('LocationConstraint', { xmlns: S3_NS }, region === 'us-east-1' ? undefined : region)));
}
