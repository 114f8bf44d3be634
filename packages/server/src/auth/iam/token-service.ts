import { randomBytes } from 'node:crypto';
import { registerSecret } from '@stowage/core';

/** One API key the emulated IAM service knows. */
export interface IamApiKey {
  apiKey: string;
  /** The COS service instance the key belongs to (checked against `Ibm-Service-Instance-Id`). */
  serviceInstanceId?: string;
  /** Who the key is, for logs (never the key). */
  name?: string;
}

export interface IamTokenServiceOptions {
  apiKeys: readonly IamApiKey[];
  /** Lifetime of an access token in seconds (IBM Cloud: 3600). */
  tokenLifetimeSeconds?: number;
  now?: () => Date;
}

/** What the token endpoint answers (IBM IAM's JSON shape). */
export interface IamTokenResponse {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** Epoch seconds. */
  expiration: number;
  scope: string;
}

/** What a bearer token resolves to. */
export type TokenCheck =
  | { status: 'valid'; key: IamApiKey; expiresAt: Date }
  | { status: 'expired'; key: IamApiKey; expiresAt: Date }
  | { status: 'unknown' };

/**
 * An emulated IBM Cloud IAM: API keys exchanged for opaque bearer tokens that
 * expire (`grant_type=urn:ibm:params:oauth:grant-type:apikey`), and the check
 * the S3 dialect makes of a bearer token. Counts what it did, for tests.
 */
export class IamTokenService {
  readonly tokenLifetimeSeconds: number;
  private readonly keys = new Map<string, IamApiKey>();
  private readonly tokens = new Map<string, { key: IamApiKey; expiresAt: Date }>();
  private readonly now: () => Date;
  /** Token requests answered (successful or not). */
  tokenRequests = 0;
  /** Tokens issued. */
  tokensIssued = 0;
  /** Requests refused for an expired token. */
  expiredTokenRefusals = 0;

  constructor(options: IamTokenServiceOptions) {
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
    if (!Number.isInteger(this.tokenLifetimeSeconds) || this.tokenLifetimeSeconds < 1) throw new TypeError('tokenLifetimeSeconds must be a positive integer');
    this.now = options.now ?? (() => new Date());
    for (const k of options.apiKeys) {
      if (!k.apiKey) throw new TypeError('an IAM API key must be a non-empty string');
      registerSecret(k.apiKey);
      this.keys.set(k.apiKey, { ...k });
    }
  }

  /** Exchanges an API key for a token; undefined when the key is unknown. */
  issue(apiKey: string): IamTokenResponse | undefined {
    const key = this.keys.get(apiKey);
    if (!key) return undefined;
    const token = `stowage-iam.${randomBytes(24).toString('base64url')}`;
    registerSecret(token);
    const issuedAt = this.now().getTime();
    const expiresAt = new Date(issuedAt + this.tokenLifetimeSeconds * 1000);
    this.tokens.set(token, { key, expiresAt });
    this.tokensIssued++;
    this.prune();
    return {
      access_token: token,
      refresh_token: 'not_supported',
      token_type: 'Bearer',
      expires_in: this.tokenLifetimeSeconds,
      expiration: Math.floor(expiresAt.getTime() / 1000),
      scope: 'ibm openid',
    };
  }

  check(token: string): TokenCheck {
    const found = this.tokens.get(token);
    if (!found) return { status: 'unknown' };
    if (this.now().getTime() >= found.expiresAt.getTime()) return { status: 'expired', key: found.key, expiresAt: found.expiresAt };
    return { status: 'valid', key: found.key, expiresAt: found.expiresAt };
  }

  /** Forgets tokens that expired more than an hour ago (a long test server stays small). */
  private prune(): void {
    const cutoff = this.now().getTime() - 3600_000;
    for (const [t, v] of this.tokens) if (v.expiresAt.getTime() < cutoff) this.tokens.delete(t);
  }
}
