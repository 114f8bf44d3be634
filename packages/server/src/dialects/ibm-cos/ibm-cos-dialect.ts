import type { Store } from '@stowage/core';
import type { AuthResult } from '../../auth/authenticate.js';
import { authenticateBearer, hasBearer, type BearerAuthResult } from '../../auth/iam/bearer.js';
import { handleTokenRequest, isTokenRequest } from '../../auth/iam/token-endpoint.js';
import { IamTokenService, type IamTokenServiceOptions } from '../../auth/iam/token-service.js';
import type { RequestContext, ServerInfo } from '../../http/context.js';
import { HttpError } from '../../http/errors.js';
import type { S3Call } from '../s3/call.js';
import { resolveOperation, type S3Address } from '../s3/routing.js';
import { S3Dialect, S3_OPERATIONS, type S3DialectOptions, type S3Handler } from '../s3/s3-dialect.js';
import * as immutable from './immutable.js';
import { IbmState, type IbmRetention } from './state.js';
import * as website from './website.js';

export interface IbmCosDialectOptions extends S3DialectOptions {
  /**
   * An emulated IAM: API keys exchanged at `POST /identity/token` for bearer
   * tokens, which the dialect then accepts in `Authorization: Bearer …`
   * (SigV4 keeps working beside it). Absent: SigV4 only.
   */
  iam?: IamTokenService | IamTokenServiceOptions;
}

function methodNotAllowed(): HttpError {
  return new HttpError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
}

/**
 * The S3 dialect plus IBM Cloud Object Storage's extensions: Immutable Object
 * Storage (bucket protection configuration, per-object retention periods,
 * legal hold ids, retention extension), static website configuration, IAM
 * bearer tokens and the `Ibm-Service-Instance-Id` header. IBM's state lives
 * in `state` beside the Store (see state.ts).
 */
export class IbmCosDialect extends S3Dialect {
  override readonly name: string = 'ibm-cos';
  readonly state = new IbmState();
  readonly iam: IamTokenService | undefined;

  constructor(store: Store, server: ServerInfo, options: IbmCosDialectOptions = {}) {
    super(store, server, options);
    const iam = options.iam;
    this.iam = iam === undefined ? undefined : iam instanceof IamTokenService ? iam : new IamTokenService({ now: server.now, ...iam });
  }

  authenticate(ctx: RequestContext, sigv4: () => AuthResult): AuthResult | undefined {
    if (this.iam) {
      if (isTokenRequest(ctx)) return undefined;
      if (hasBearer(ctx)) return authenticateBearer(ctx, this.iam);
    }
    return sigv4();
  }

  override async handle(ctx: RequestContext): Promise<void> {
    if (this.iam && isTokenRequest(ctx)) {
      await handleTokenRequest(ctx, this.iam);
      return;
    }
    await super.handle(ctx);
  }

  protected override route(ctx: RequestContext, address: S3Address): S3Handler {
    const q = ctx.query;
    const m = ctx.method;
    const state = this.state;
    if (address.bucket !== undefined && address.key === undefined) {
      if (q.has('protection')) {
        if (m === 'GET') return (call) => immutable.getProtection(call, state);
        if (m === 'PUT') return (call) => immutable.putProtection(call, state);
        throw methodNotAllowed();
      }
      if (q.has('website')) {
        if (m === 'GET') return (call) => website.getWebsite(call, state);
        if (m === 'PUT') return (call) => website.putWebsite(call, state);
        if (m === 'DELETE') return (call) => website.deleteWebsite(call, state);
        throw methodNotAllowed();
      }
    }
    if (address.bucket !== undefined && address.key !== undefined) {
      if (q.has('legalHold')) {
        if (m === 'POST') return (call) => immutable.changeLegalHold(call, state);
        if (m === 'GET') return (call) => immutable.listLegalHolds(call, state);
        throw methodNotAllowed();
      }
      if (q.has('extendRetention')) {
        if (m === 'POST') return (call) => immutable.extendRetention(call, state);
        throw methodNotAllowed();
      }
    }
    const operation = resolveOperation(ctx, address);
    const base = S3_OPERATIONS[operation];
    switch (operation) {
      case 'PutObject':
      case 'CompleteMultipartUpload':
        return (call) => this.write(call, base, undefined);
      case 'CopyObject':
        return (call) => this.write(call, base, ctx.header('retention-directive'));
      case 'DeleteObject':
        return async (call) => {
          if (!state.getProtection(call.bucket) && !state.hasObjects(call.bucket)) return base(call);
          const version = await immutable.guardDelete(call, state);
          await base(call);
          // A delete that only added a marker leaves the version (and its state) in place.
          if (version !== undefined && call.ctx.res.statusCode < 300 && call.ctx.res.getHeader('x-amz-delete-marker') !== 'true') {
            state.dropRetention(call.bucket, call.key, version === 'null' ? undefined : version);
          }
        };
      case 'DeleteObjects':
        return (call) => (state.getProtection(call.bucket) || state.hasObjects(call.bucket) ? immutable.deleteObjects(call, state) : base(call));
      case 'GetObject':
      case 'HeadObject':
        return async (call) => {
          const r = await immutable.retentionForRead(call, state);
          if (!r) return base(call);
          const headers = immutable.retentionResponseHeaders(r);
          for (const [name, value] of Object.entries(headers)) call.ctx.res.setHeader(name, value);
          try {
            await base(call);
          } catch (e) {
            if (!call.ctx.res.headersSent) for (const name of Object.keys(headers)) call.ctx.res.removeHeader(name);
            throw e;
          }
        };
      case 'DeleteBucket':
        return async (call) => {
          await base(call);
          state.dropBucket(call.bucket);
        };
      case 'CreateBucket':
      case 'ListBuckets':
        return async (call) => {
          this.checkServiceInstance(call, operation === 'CreateBucket');
          await base(call);
        };
      default:
        return base;
    }
  }

  /**
   * A put, copy or multipart completion: refuses to overwrite a version under
   * IBM retention, gives the new version its retention (headers, the copied
   * source's with `Retention-Directive: Copy`, or the bucket default), and
   * mirrors it onto the Store's object lock where the bucket has it.
   */
  private async write(call: S3Call, base: S3Handler, directive: string | undefined): Promise<void> {
    const state = this.state;
    const headers = immutable.readRetentionHeaders(call);
    const copyRetention = directive !== undefined && directive.trim().toUpperCase() === 'COPY';
    if (directive !== undefined && !copyRetention && directive.trim().toUpperCase() !== 'REPLACE') {
      throw new HttpError(400, 'InvalidArgument', 'Retention-Directive must be COPY or REPLACE.', { ArgumentName: 'Retention-Directive', ArgumentValue: directive });
    }
    if (!state.getProtection(call.bucket) && !state.hasObjects(call.bucket) && !immutable.hasRetentionHeaders(headers)) return base(call);
    await immutable.guardOverwrite(call, state, call.bucket, call.key);
    const inherited: IbmRetention | undefined = copyRetention && !immutable.hasRetentionHeaders(headers) ? await immutable.sourceRetention(call, state) : undefined;
    const planned = immutable.plannedRetention(state, call.bucket, headers, call.store.now(), inherited);
    if (planned && (await immutable.storeLocks(call.store, call.bucket, call.ctx.signal))) immutable.mirrorOntoRequest(call, planned);
    await base(call);
    immutable.recordWrite(call, state, call.bucket, call.key, planned);
  }

  /** With IAM auth, CreateBucket names the service instance, and it must be the key's. */
  private checkServiceInstance(call: S3Call, required: boolean): void {
    const auth = call.ctx.auth as BearerAuthResult | undefined;
    if (!auth || !('iam' in auth)) return;
    const given = call.ctx.header('ibm-service-instance-id')?.trim();
    if (given === undefined || given === '') {
      if (required) throw new HttpError(400, 'InvalidArgument', 'CreateBucket with an IAM token needs the Ibm-Service-Instance-Id header.', { ArgumentName: 'ibm-service-instance-id' });
      return;
    }
    const own = auth.iam.serviceInstanceId;
    if (own !== undefined && given !== own) throw new HttpError(403, 'AccessDenied', 'Access Denied: the API key does not belong to that service instance.');
  }
}

/** A DialectFactory: `startServer({ dialect: ibmCosDialect({ iam: { apiKeys: [{ apiKey, serviceInstanceId }] } }) })`. */
export function ibmCosDialect(options: IbmCosDialectOptions = {}) {
  return (store: Store, server: ServerInfo): IbmCosDialect => new IbmCosDialect(store, server, options);
}
