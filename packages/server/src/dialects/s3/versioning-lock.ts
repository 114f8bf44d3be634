import type { DefaultRetention } from '@stowage/core';
import { HttpError } from '../../http/errors.js';
import { send, sendXml } from '../../http/response.js';
import { readXml, requireBodyChecksum, type S3Call } from './call.js';
import { bypassGovernance, isoDate } from './headers.js';
import { child, childText, expectRoot, opt, S3_NS, x, xmlDocument } from './xml.js';

function malformed(message = 'The XML you provided was not well-formed or did not validate against our published schema.'): HttpError {
  return new HttpError(400, 'MalformedXML', message);
}

export async function getBucketVersioning(call: S3Call): Promise<void> {
  const state = await call.store.getVersioning(call.bucket, { signal: call.ctx.signal });
  const xml = x('VersioningConfiguration', { xmlns: S3_NS }, state === 'Unversioned' ? undefined : x('Status', state));
  sendXml(call.ctx, 200, xmlDocument(xml));
}

export async function putBucketVersioning(call: S3Call): Promise<void> {
  const doc = expectRoot((await readXml(call))!, 'VersioningConfiguration');
  const status = childText(doc, 'Status')?.trim();
  if (status !== 'Enabled' && status !== 'Suspended') throw malformed();
  const mfa = childText(doc, 'MfaDelete')?.trim();
  if (mfa === 'Enabled') throw new HttpError(501, 'NotImplemented', 'MFA delete is not implemented');
  await call.store.setVersioning(call.bucket, status, { signal: call.ctx.signal });
  send(call.ctx, 200);
}

export async function getObjectLockConfiguration(call: S3Call): Promise<void> {
  const config = await call.store.getObjectLockConfiguration(call.bucket, { signal: call.ctx.signal });
  if (!config.enabled) {
    throw new HttpError(404, 'ObjectLockConfigurationNotFoundError', 'Object Lock configuration does not exist for this bucket', { BucketName: call.bucket });
  }
  const rule = config.defaultRetention;
  const xml = x(
    'ObjectLockConfiguration',
    { xmlns: S3_NS },
    x('ObjectLockEnabled', 'Enabled'),
    rule ? x('Rule', x('DefaultRetention', x('Mode', rule.mode), opt('Days', rule.days), opt('Years', rule.years))) : undefined,
  );
  sendXml(call.ctx, 200, xmlDocument(xml));
}

export async function putObjectLockConfiguration(call: S3Call): Promise<void> {
  requireBodyChecksum(call);
  const doc = expectRoot((await readXml(call))!, 'ObjectLockConfiguration');
  const enabled = childText(doc, 'ObjectLockEnabled')?.trim();
  if (enabled !== undefined && enabled !== 'Enabled') throw malformed();
  let rule: DefaultRetention | undefined;
  const ruleEl = child(doc, 'Rule');
  if (ruleEl) {
    const retention = child(ruleEl, 'DefaultRetention');
    if (!retention) throw malformed();
    const mode = childText(retention, 'Mode')?.trim();
    const days = childText(retention, 'Days')?.trim();
    const years = childText(retention, 'Years')?.trim();
    if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw malformed();
    if ((days === undefined) === (years === undefined)) throw malformed();
    const n = Number(days ?? years);
    if (!/^\d+$/.test(days ?? years ?? '') || n < 1) throw new HttpError(400, 'InvalidArgument', 'Default retention period must be a positive integer value.', { ArgumentName: days ? 'Days' : 'Years' });
    rule = days !== undefined ? { mode, days: n } : { mode, years: n };
  }
  const config = await call.store.getObjectLockConfiguration(call.bucket, { signal: call.ctx.signal });
  if (!config.enabled) {
    // The Store enables object lock only at bucket creation.
    throw new HttpError(409, 'InvalidBucketState', 'Object Lock configuration cannot be enabled on existing buckets', { BucketName: call.bucket });
  }
  await call.store.setDefaultRetention(call.bucket, rule, { signal: call.ctx.signal });
  send(call.ctx, 200);
}

function versionOf(call: S3Call): string | undefined {
  return call.ctx.query.get('versionId') || undefined;
}

export async function getObjectRetention(call: S3Call): Promise<void> {
  const retention = await call.store.getRetention(call.bucket, call.key, { versionId: versionOf(call), signal: call.ctx.signal });
  if (!retention) throw new HttpError(404, 'NoSuchObjectLockConfiguration', 'The specified object does not have a ObjectLock configuration', { Key: call.key });
  const xml = x('Retention', { xmlns: S3_NS }, x('Mode', retention.mode), x('RetainUntilDate', isoDate(retention.retainUntil)));
  sendXml(call.ctx, 200, xmlDocument(xml));
}

export async function putObjectRetention(call: S3Call): Promise<void> {
  requireBodyChecksum(call);
  const doc = expectRoot((await readXml(call))!, 'Retention');
  const mode = childText(doc, 'Mode')?.trim();
  const until = childText(doc, 'RetainUntilDate')?.trim();
  let retention: { mode: 'GOVERNANCE' | 'COMPLIANCE'; retainUntil: Date } | null;
  if (mode === undefined && until === undefined) {
    retention = null;
  } else {
    if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw malformed();
    if (until === undefined) throw malformed();
    const date = new Date(until);
    if (Number.isNaN(date.getTime())) throw new HttpError(400, 'InvalidArgument', 'The retain until date must be provided in ISO 8601 format', { ArgumentName: 'RetainUntilDate' });
    if (date.getTime() <= call.store.now().getTime()) throw new HttpError(400, 'InvalidArgument', 'The retain until date must be in the future!', { ArgumentName: 'RetainUntilDate' });
    retention = { mode, retainUntil: date };
  }
  await call.store.setRetention(call.bucket, call.key, retention, {
    versionId: versionOf(call),
    bypassGovernanceRetention: bypassGovernance(call.ctx) || undefined,
    signal: call.ctx.signal,
  });
  send(call.ctx, 200);
}

export async function getObjectLegalHold(call: S3Call): Promise<void> {
  const on = await call.store.getLegalHold(call.bucket, call.key, { versionId: versionOf(call), signal: call.ctx.signal });
  sendXml(call.ctx, 200, xmlDocument(x('LegalHold', { xmlns: S3_NS }, x('Status', on ? 'ON' : 'OFF'))));
}

export async function putObjectLegalHold(call: S3Call): Promise<void> {
  requireBodyChecksum(call);
  const doc = expectRoot((await readXml(call))!, 'LegalHold');
  const status = childText(doc, 'Status')?.trim();
  if (status !== 'ON' && status !== 'OFF') throw malformed();
  await call.store.setLegalHold(call.bucket, call.key, status === 'ON', { versionId: versionOf(call), signal: call.ctx.signal });
  send(call.ctx, 200);
}
