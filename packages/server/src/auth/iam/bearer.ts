import { HttpError } from '../../http/errors.js';
import type { AuthResult, SignedRequest } from '../authenticate.js';
import type { IamApiKey, IamTokenService } from './token-service.js';

/** An AuthResult for a request carrying a valid IAM bearer token (no SigV4: the body is not signed). */
export interface BearerAuthResult extends AuthResult {
  iam: IamApiKey;
}

/** True when the request carries `Authorization: Bearer …`. */
export function hasBearer(req: SignedRequest): boolean {
  return /^bearer\s/i.test(req.header('authorization')?.trim() ?? '');
}

/**
 * Checks `Authorization: Bearer <token>` against the IAM service: an unknown
 * token is 403 AccessDenied, an expired one 401 (as IBM COS answers), so a
 * client that refreshes its tokens in time never sees a 401.
 */
export function authenticateBearer(req: SignedRequest, service: IamTokenService): BearerAuthResult {
  const token = (req.header('authorization') ?? '').trim().replace(/^bearer\s+/i, '');
  const check = service.check(token);
  if (check.status === 'unknown') throw new HttpError(403, 'AccessDenied', 'Access Denied: the bearer token is not one the IAM service issued.');
  if (check.status === 'expired') {
    service.expiredTokenRefusals++;
    throw new HttpError(401, 'ExpiredToken', 'The provided token has expired.', { ExpiredAt: check.expiresAt.toISOString() });
  }
  return {
    accessKeyId: `iam:${check.key.name ?? check.key.serviceInstanceId ?? 'api-key'}`,
    via: 'header',
    payload: { kind: 'unsigned' },
    signature: '',
    datetime: '',
    scope: '',
    signingKey: Buffer.alloc(0),
    iam: check.key,
  };
}
