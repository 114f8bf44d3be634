import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createRequire } from 'node:module';
import type * as IbmSdk from 'ibm-cos-sdk';
import type { ResolvedIbmCosConfig } from './config.js';
import type { HmacCredentials } from './credentials.js';

/** ibm-cos-sdk is CommonJS (`module.exports = AWS`): load it as such. */
export const IBM = createRequire(import.meta.url)('ibm-cos-sdk') as typeof IbmSdk;

export type S3Client = IbmSdk.S3;
export type SdkRequest = IbmSdk.Request<unknown, IbmSdk.AWSError>;

/** Operations whose request document S3 requires a Content-MD5 for (the SDK's model does not say so). */
export const MD5_OPERATIONS: ReadonlySet<string> = new Set([
  'deleteObjects',
  'putObjectRetention',
  'putObjectLegalHold',
  'putObjectLockConfiguration',
  'putBucketProtectionConfiguration',
  'putBucketWebsite',
  'putBucketLifecycleConfiguration',
]);

/**
 * The SDK client for a resolved config. Always: `maxRetries: 0` (core's retry
 * layer owns retries), no clock-skew correction, a keep-alive agent unless
 * one is given. With an API key the SDK signs with IAM bearer tokens (its
 * TokenManager fetches them from `ibmAuthEndpoint`, refreshes at 75 % of their
 * lifetime and treats one with under 15 s left as expired); with HMAC keys, SigV4.
 */
export function createClient(config: ResolvedIbmCosConfig, signWith?: HmacCredentials): S3Client {
  const secure = config.endpoint.startsWith('https:');
  const agent = config.httpOptions.agent ?? (secure ? new HttpsAgent({ keepAlive: true, maxSockets: 50 }) : new HttpAgent({ keepAlive: true, maxSockets: 50 }));
  const auth = signWith ?? config.credentials.auth;
  const options: Record<string, unknown> = {
    endpoint: config.endpoint,
    region: config.region,
    s3ForcePathStyle: config.forcePathStyle,
    maxRetries: 0,
    correctClockSkew: false,
    computeChecksums: true,
    httpOptions: { ...config.httpOptions, agent },
    logger: undefined,
  };
  if (auth.kind === 'iam') {
    options.credentials = new IBM.Credentials({
      apiKeyId: auth.apiKey,
      serviceInstanceId: auth.serviceInstanceId,
      ibmAuthEndpoint: config.ibmAuthEndpoint,
      httpOptions: { agent },
    } as never);
  } else {
    options.credentials = new IBM.Credentials({ accessKeyId: auth.accessKeyId, secretAccessKey: auth.secretAccessKey } as never);
    options.signatureVersion = 'v4';
  }
  return new IBM.S3(options as IbmSdk.S3.ClientConfiguration);
}
