import type { IncomingMessage } from 'node:http';
import { IntegrityError, ProviderError, mapS3ErrorCode, type S3ErrorContext } from '@stowage/core';
import { crc32 } from '@stowage/transfer';
import { parseXml, text, xmlEscape } from '../xml.js';

/** CSV input / output settings (S3 Select's names). */
export interface SelectCsv {
  FileHeaderInfo?: 'USE' | 'IGNORE' | 'NONE';
  RecordDelimiter?: string;
  FieldDelimiter?: string;
  QuoteCharacter?: string;
  QuoteEscapeCharacter?: string;
  Comments?: string;
  AllowQuotedRecordDelimiter?: boolean;
  QuoteFields?: 'ALWAYS' | 'ASNEEDED';
}

/** What `selectObjectContent` runs: SQL over a CSV, JSON or Parquet object. */
export interface SelectRequest {
  /** `SELECT s.name FROM S3Object s WHERE CAST(s.age AS INT) > 25` */
  expression: string;
  input: {
    csv?: SelectCsv;
    json?: { Type: 'DOCUMENT' | 'LINES' };
    parquet?: Record<string, never>;
    compression?: 'NONE' | 'GZIP' | 'BZIP2';
  };
  output: { csv?: Omit<SelectCsv, 'FileHeaderInfo' | 'Comments' | 'AllowQuotedRecordDelimiter'>; json?: { RecordDelimiter?: string } };
  /** Ask for Progress events while the query runs. */
  requestProgress?: boolean;
  /** Only the bytes in [start, end) of the object (CSV without quoted record delimiters, JSON lines). */
  scanRange?: { start?: number; end?: number };
}

export interface SelectStats {
  bytesScanned: number;
  bytesProcessed: number;
  bytesReturned: number;
}

/** One message of the answer, in order. */
export type SelectEvent =
  | { type: 'records'; payload: Uint8Array }
  | ({ type: 'progress' } & SelectStats)
  | ({ type: 'stats' } & SelectStats)
  | { type: 'cont' }
  | { type: 'end' };

/** The request body of SelectObjectContent. */
export function selectRequestXml(req: SelectRequest): string {
  const el = (name: string, value: unknown): string => {
    if (value === undefined) return '';
    if (value !== null && typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => el(k, v)).join('')}</${name}>`;
    return `<${name}>${xmlEscape(String(value))}</${name}>`;
  };
  const input: Record<string, unknown> = {};
  if (req.input.csv) input.CSV = req.input.csv;
  if (req.input.json) input.JSON = req.input.json;
  if (req.input.parquet) input.Parquet = req.input.parquet;
  if (req.input.compression) input.CompressionType = req.input.compression;
  const output: Record<string, unknown> = {};
  if (req.output.csv) output.CSV = req.output.csv;
  if (req.output.json) output.JSON = req.output.json;
  return (
    '<SelectObjectContentRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    el('Expression', req.expression) +
    el('ExpressionType', 'SQL') +
    el('InputSerialization', input) +
    el('OutputSerialization', output) +
    (req.requestProgress ? el('RequestProgress', { Enabled: 'true' }) : '') +
    (req.scanRange ? el('ScanRange', { Start: req.scanRange.start, End: req.scanRange.end }) : '') +
    '</SelectObjectContentRequest>'
  );
}

/**
 * The answer of SelectObjectContent as it streams: records arrive while the
 * server still scans (the MinIO client's own `selectObjectContent` reads the
 * whole answer into memory first). Iterate it for every event, or use
 * `records()` for the payload bytes only; `stats` settles at the End event.
 * Each message's CRCs are checked (AWS event-stream framing).
 */
export class SelectStream implements AsyncIterable<SelectEvent> {
  /** The Stats event's numbers, once the answer ended. */
  readonly stats: Promise<SelectStats>;
  private settleStats!: { resolve: (s: SelectStats) => void; reject: (e: unknown) => void };
  private used = false;

  constructor(
    private readonly res: IncomingMessage,
    private readonly context: S3ErrorContext,
    private readonly onClose: () => void,
  ) {
    this.stats = new Promise((resolve, reject) => (this.settleStats = { resolve, reject }));
    this.stats.catch(() => {});
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SelectEvent> {
    if (this.used) throw new TypeError('a SelectStream can be read once');
    this.used = true;
    let stats: SelectStats | undefined;
    let ended = false;
    try {
      for await (const message of eventStreamMessages(this.res)) {
        const h = message.headers;
        if (h[':message-type'] === 'error') {
          throw mapS3ErrorCode(h[':error-code'] ?? 'InternalError', h[':error-message'] ?? '', 400, this.context, { provider: 'minio' });
        }
        switch (h[':event-type']) {
          case 'Records':
            yield { type: 'records', payload: message.payload };
            break;
          case 'Progress':
            yield { type: 'progress', ...readStats(message.payload, 'Progress') };
            break;
          case 'Stats':
            stats = readStats(message.payload, 'Stats');
            yield { type: 'stats', ...stats };
            break;
          case 'Cont':
            yield { type: 'cont' };
            break;
          case 'End':
            ended = true;
            yield { type: 'end' };
            break;
        }
      }
      if (!ended) throw new ProviderError('The Select answer ended without an End event', { provider: 'minio' });
      this.settleStats.resolve(stats ?? { bytesScanned: 0, bytesProcessed: 0, bytesReturned: 0 });
    } catch (e) {
      this.settleStats.reject(e);
      throw e;
    } finally {
      if (!this.res.complete) this.res.destroy();
      this.onClose();
    }
  }

  /** The Records payloads only. */
  async *records(): AsyncGenerator<Uint8Array> {
    for await (const event of this) if (event.type === 'records') yield event.payload;
  }

  /** Every record as one string (UTF-8). */
  async text(): Promise<string> {
    const decoder = new TextDecoder();
    let out = '';
    for await (const chunk of this.records()) out += decoder.decode(chunk, { stream: true });
    return out + decoder.decode();
  }

  /** Stops reading and closes the connection. */
  close(): void {
    this.res.destroy();
    this.onClose();
  }
}

function readStats(payload: Uint8Array, root: string): SelectStats {
  const node = parseXml(Buffer.from(payload).toString('utf8'))[root];
  return {
    bytesScanned: Number(text(node, 'BytesScanned') ?? 0),
    bytesProcessed: Number(text(node, 'BytesProcessed') ?? 0),
    bytesReturned: Number(text(node, 'BytesReturned') ?? 0),
  };
}

/** AWS event-stream messages from a byte stream: prelude, headers, payload, CRCs checked. */
export async function* eventStreamMessages(source: AsyncIterable<Uint8Array>): AsyncGenerator<{ headers: Record<string, string>; payload: Uint8Array }> {
  let pending = Buffer.alloc(0);
  for await (const chunk of source) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
    while (pending.length >= 12) {
      const total = pending.readUInt32BE(0);
      const headersLength = pending.readUInt32BE(4);
      if (total < 16 || headersLength > total - 16) throw new IntegrityError(`Malformed event-stream prelude (length ${total}, headers ${headersLength})`, { provider: 'minio' });
      if (crc32(pending.subarray(0, 8)) !== pending.readUInt32BE(8)) throw new IntegrityError('Event-stream prelude CRC mismatch', { provider: 'minio' });
      if (pending.length < total) break;
      const frame = pending.subarray(0, total);
      pending = pending.subarray(total);
      if (crc32(frame.subarray(0, total - 4)) !== frame.readUInt32BE(total - 4)) throw new IntegrityError('Event-stream message CRC mismatch', { provider: 'minio' });
      yield { headers: readHeaders(frame.subarray(12, 12 + headersLength)), payload: frame.subarray(12 + headersLength, total - 4) };
    }
  }
  if (pending.length > 0) throw new IntegrityError(`The event stream ended inside a message (${pending.length} bytes left)`, { provider: 'minio' });
}

function readHeaders(b: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < b.length) {
    const nameLength = b.readUInt8(i);
    const name = b.subarray(i + 1, i + 1 + nameLength).toString('utf8');
    i += 1 + nameLength;
    const type = b.readUInt8(i);
    i += 1;
    switch (type) {
      case 0:
        out[name] = 'true';
        break;
      case 1:
        out[name] = 'false';
        break;
      case 2:
        out[name] = String(b.readInt8(i));
        i += 1;
        break;
      case 3:
        out[name] = String(b.readInt16BE(i));
        i += 2;
        break;
      case 4:
        out[name] = String(b.readInt32BE(i));
        i += 4;
        break;
      case 5:
      case 8:
        out[name] = String(b.readBigInt64BE(i));
        i += 8;
        break;
      case 6:
      case 7: {
        const length = b.readUInt16BE(i);
        out[name] = type === 7 ? b.subarray(i + 2, i + 2 + length).toString('utf8') : b.subarray(i + 2, i + 2 + length).toString('base64');
        i += 2 + length;
        break;
      }
      case 9:
        out[name] = b.subarray(i, i + 16).toString('hex');
        i += 16;
        break;
      default:
        throw new IntegrityError(`Unknown event-stream header type ${type}`, { provider: 'minio' });
    }
  }
  return out;
}
