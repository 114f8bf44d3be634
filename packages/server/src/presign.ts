import { presignUrl, uriEncode, type Credentials } from './auth/sigv4.js';

/** What a presign request names (the shape of the memory store's `presign` option). */
export interface PresignRequest {
  bucket: string;
  key: string;
  method: 'GET' | 'PUT';
  expiresIn: number;
  versionId?: string;
  contentType?: string;
}

export type PresignFunction = (req: PresignRequest) => Promise<string>;

export interface PresignerOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:9900`. */
  url: string;
  credentials: Credentials;
  region?: string;
  /** SigV4 service name (default `s3`). */
  service?: string;
  now?: () => Date;
}

export interface Presigner {
  /** A path-style presigned URL for the server (SigV4 query signing, the code the server verifies with). */
  presign(req: PresignRequest): string;
  /** The same, as the async function the memory store's `presign` option takes. */
  readonly presignFunction: PresignFunction;
}

export function createPresigner(options: PresignerOptions): Presigner {
  const base = options.url.replace(/\/+$/, '');
  const presign = (req: PresignRequest): string => {
    const url = new URL(`${base}/${uriEncode(req.bucket)}/${uriEncode(req.key, true)}`);
    if (req.versionId !== undefined) url.searchParams.set('versionId', req.versionId);
    const headers: Record<string, string> = {};
    if (req.method === 'PUT' && req.contentType !== undefined) headers['content-type'] = req.contentType;
    return presignUrl({
      method: req.method,
      url,
      credentials: options.credentials,
      region: options.region ?? 'us-east-1',
      service: options.service ?? 's3',
      expiresIn: req.expiresIn,
      now: options.now?.(),
      headers,
    });
  };
  return { presign, presignFunction: async (req) => presign(req) };
}
