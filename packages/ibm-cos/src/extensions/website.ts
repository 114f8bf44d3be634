import { InvalidArgumentError } from '@stowage/core';

/** A static website configuration (`PUT / GET / DELETE ?website`). */
export interface WebsiteConfiguration {
  /** The page served for a directory, e.g. `index.html`. */
  indexDocument?: string;
  /** The page served on an error, e.g. `error.html`. */
  errorDocument?: string;
  /** Send every request to another host instead. */
  redirectAllRequestsTo?: { hostName: string; protocol?: 'http' | 'https' };
}

export function validateWebsite(config: WebsiteConfiguration): void {
  if (config === null || typeof config !== 'object') throw new InvalidArgumentError('website', 'must be { indexDocument, errorDocument } or { redirectAllRequestsTo }');
  if (config.redirectAllRequestsTo !== undefined) {
    if (config.indexDocument !== undefined || config.errorDocument !== undefined) throw new InvalidArgumentError('website', 'redirectAllRequestsTo excludes indexDocument and errorDocument');
    if (typeof config.redirectAllRequestsTo.hostName !== 'string' || config.redirectAllRequestsTo.hostName === '') throw new InvalidArgumentError('website.redirectAllRequestsTo.hostName', 'must be a host name');
    return;
  }
  if (typeof config.indexDocument !== 'string' || config.indexDocument === '' || config.indexDocument.includes('/')) {
    throw new InvalidArgumentError('website.indexDocument', 'must be a file name without "/" (e.g. index.html)');
  }
  if (config.errorDocument !== undefined && (typeof config.errorDocument !== 'string' || config.errorDocument === '')) throw new InvalidArgumentError('website.errorDocument', 'must be a key');
}

export function websiteToSdk(config: WebsiteConfiguration): Record<string, unknown> {
  if (config.redirectAllRequestsTo) {
    const r = config.redirectAllRequestsTo;
    return { RedirectAllRequestsTo: { HostName: r.hostName, ...(r.protocol ? { Protocol: r.protocol } : {}) } };
  }
  const out: Record<string, unknown> = { IndexDocument: { Suffix: config.indexDocument } };
  if (config.errorDocument !== undefined) out.ErrorDocument = { Key: config.errorDocument };
  return out;
}

export function websiteFromSdk(data: Record<string, unknown>): WebsiteConfiguration {
  const out: WebsiteConfiguration = {};
  const index = (data.IndexDocument as { Suffix?: string } | undefined)?.Suffix;
  const error = (data.ErrorDocument as { Key?: string } | undefined)?.Key;
  const redirect = data.RedirectAllRequestsTo as { HostName?: string; Protocol?: string } | undefined;
  if (index) out.indexDocument = index;
  if (error) out.errorDocument = error;
  if (redirect?.HostName) out.redirectAllRequestsTo = { hostName: redirect.HostName, ...(redirect.Protocol === 'http' || redirect.Protocol === 'https' ? { protocol: redirect.Protocol } : {}) };
  return out;
}
