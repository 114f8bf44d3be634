import type { RequestContext } from '../../http/context.js';
import type { IamTokenService } from './token-service.js';

/** The path IBM's SDKs post to (`https://iam.cloud.ibm.com/identity/token`). */
export const IAM_TOKEN_PATH = '/identity/token';

/** True for a request to the emulated token endpoint. */
export function isTokenRequest(ctx: RequestContext): boolean {
  return ctx.rawPath === IAM_TOKEN_PATH;
}

function json(ctx: RequestContext, status: number, body: unknown): void {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  ctx.res.statusCode = status;
  ctx.res.setHeader('Content-Type', 'application/json');
  ctx.res.setHeader('Content-Length', String(payload.length));
  ctx.res.setHeader('Cache-Control', 'no-store');
  if (!ctx.req.readableEnded) ctx.res.setHeader('Connection', 'close');
  ctx.res.end(payload);
}

/**
 * `POST /identity/token` with a form body `grant_type=urn:ibm:params:oauth:grant-type:apikey&apikey=…`:
 * IBM IAM's JSON answer (`access_token`, `expiration` in epoch seconds…), or
 * IAM's JSON error (400 for a malformed request, an unknown key).
 */
export async function handleTokenRequest(ctx: RequestContext, service: IamTokenService): Promise<void> {
  service.tokenRequests++;
  if (ctx.method !== 'POST') {
    json(ctx, 405, { errorCode: 'BXNIM0105E', errorMessage: 'Method not allowed: POST the form to /identity/token' });
    return;
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of ctx.req) {
    total += (chunk as Buffer).length;
    if (total > 64 * 1024) {
      json(ctx, 400, { errorCode: 'BXNIM0109E', errorMessage: 'Request body too large' });
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  const grant = form.get('grant_type');
  if (grant !== 'urn:ibm:params:oauth:grant-type:apikey') {
    json(ctx, 400, { errorCode: 'BXNIM0109E', errorMessage: `Property missing or empty: grant_type must be urn:ibm:params:oauth:grant-type:apikey` });
    return;
  }
  const apiKey = form.get('apikey');
  if (!apiKey) {
    json(ctx, 400, { errorCode: 'BXNIM0109E', errorMessage: 'Property missing or empty: apikey' });
    return;
  }
  const token = service.issue(apiKey);
  if (!token) {
    // The key is not echoed back.
    json(ctx, 400, { errorCode: 'BXNIM0415E', errorMessage: 'Provided API key could not be found.' });
    return;
  }
  json(ctx, 200, token);
}
