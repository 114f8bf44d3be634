import { HttpError } from '../../http/errors.js';
import { send, sendXml } from '../../http/response.js';
import { readXml, type S3Call } from '../s3/call.js';
import { child, childText, expectRoot, opt, S3_NS, x, xmlDocument } from '../s3/xml.js';
import type { IbmState } from './state.js';

/**
 * Static website configuration (`?website`), as IBM COS hosts it: the
 * configuration is kept and answered back; this server does not serve the
 * site itself (no website endpoint).
 */

async function requireBucket(call: S3Call): Promise<void> {
  if (!(await call.store.bucketExists(call.bucket, { signal: call.ctx.signal }))) {
    throw new HttpError(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: call.bucket });
  }
}

export async function putWebsite(call: S3Call, state: IbmState): Promise<void> {
  const doc = expectRoot((await readXml(call))!, 'WebsiteConfiguration');
  await requireBucket(call);
  const redirect = child(doc, 'RedirectAllRequestsTo');
  const index = child(doc, 'IndexDocument');
  let xml;
  if (redirect) {
    const host = childText(redirect, 'HostName')?.trim();
    if (!host || index) throw new HttpError(400, 'MalformedXML', 'RedirectAllRequestsTo needs a HostName and excludes IndexDocument.');
    xml = x('WebsiteConfiguration', { xmlns: S3_NS }, x('RedirectAllRequestsTo', x('HostName', host), opt('Protocol', childText(redirect, 'Protocol')?.trim())));
  } else {
    const suffix = index ? childText(index, 'Suffix')?.trim() : undefined;
    if (!suffix || suffix.includes('/')) throw new HttpError(400, 'InvalidArgument', 'The IndexDocument Suffix is required and must not contain "/".', { ArgumentName: 'IndexDocument' });
    const errorEl = child(doc, 'ErrorDocument');
    const errorKey = errorEl ? childText(errorEl, 'Key')?.trim() : undefined;
    xml = x('WebsiteConfiguration', { xmlns: S3_NS }, x('IndexDocument', x('Suffix', suffix)), errorKey ? x('ErrorDocument', x('Key', errorKey)) : undefined);
  }
  state.setWebsite(call.bucket, xmlDocument(xml));
  send(call.ctx, 200);
}

export async function getWebsite(call: S3Call, state: IbmState): Promise<void> {
  await requireBucket(call);
  const xml = state.getWebsite(call.bucket);
  if (xml === undefined) throw new HttpError(404, 'NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration', { BucketName: call.bucket });
  sendXml(call.ctx, 200, xml);
}

export async function deleteWebsite(call: S3Call, state: IbmState): Promise<void> {
  await requireBucket(call);
  state.setWebsite(call.bucket, undefined);
  send(call.ctx, 204);
}
