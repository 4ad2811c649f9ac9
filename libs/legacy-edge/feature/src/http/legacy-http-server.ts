import { httpStatusOf } from '@vdx/contracts/errors';
import { codeLabel, type LegacyEdgeMetrics } from '@vdx/observability';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { encodeJson, fail, type LegacyEnvelope } from '../protocol/json-envelope';
import { errorCodeOf, LegacyError } from '../protocol/legacy-error';
import { HASH_HEADER, SIGN_HEADER } from '../protocol/signed-request';
import type { LegacyApi } from '../operations/legacy-api';

export interface LegacyHttpOptions {
  readonly api: LegacyApi;
  /** Largest request body read (sendEdoc's file plus its CRLF). */
  readonly maxBodyBytes: number;
  readonly onError?: (err: unknown) => void;
  /** `vdx_legacy_requests_total{operation,outcome}` and `vdx_edge_refusals_total{code}` of every answer. */
  readonly metrics?: LegacyEdgeMetrics;
}

/** Bodies of the calls that carry none of their own (an empty form, or `{}`) are read up to this and dropped. */
const SMALL_BODY_BYTES = 64 * 1024;

/** The operation a path names: its last segment, so any prefix (`/XrdAdapter/adapter`, `//`) works. */
export function operationOfPath(url: string | undefined): string {
  const path = (url ?? '').split('?')[0] ?? '';
  const segments = path.split('/').filter((s) => s !== '');
  return segments[segments.length - 1] ?? '';
}

/** The received bytes of the one `XroadVnpt-sign-header`, as they came (header values are bytes; Node hands them over as latin1). */
function signHeaderBytes(req: IncomingMessage): Buffer | undefined {
  const values: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === SIGN_HEADER) values.push(req.rawHeaders[i + 1]!);
  if (values.length > 1) throw new LegacyError('LEGACY.MALFORMED_SIGNED_HEADERS', 'XroadVnpt-sign-header was sent more than once');
  return values[0] === undefined ? undefined : Buffer.from(values[0], 'latin1');
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        reject(new LegacyError('LEGACY.BODY_TOO_LARGE', `the request body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/**
 * HTTP status of a failed downloadEdoc (its answer is not JSON, so the status is all a client can
 * tell by): the one `ERROR_MAP` gives its code, the edge's own or a code of the axis passed on;
 * 500 for a code the catalogue does not know.
 */
function downloadStatus(failure: LegacyEnvelope): number {
  return httpStatusOf(failure.ErrorCode);
}

function sendJson(res: ServerResponse, envelope: LegacyEnvelope, opts: { httpStatus?: number; close?: boolean } = {}): void {
  const body = encodeJson(envelope);
  res.writeHead(opts.httpStatus ?? 200, {
    'Content-Type': 'application/json',
    'Content-Length': body.length,
    ...(opts.close ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

/**
 * The legacy API over HTTP/1.1: `POST <any prefix>/<operation>` (`GET` for downloadEdoc; the
 * method is not checked), parameters in signed `XroadVnpt-*` headers. The request is
 * authenticated from its headers before its body is read; `Expect: 100-continue` is answered
 * with 100 only then, so an unauthenticated upload is refused before it is sent. Every JSON
 * answer is HTTP 200 (the client reads only the envelope).
 */
export function createLegacyHttpServer(opts: LegacyHttpOptions): Server {
  const { api, metrics } = opts;
  /** Counts an answer: its operation (a known one, else `unknown`), ok or fail, and a failure's code. */
  const count = (operation: string, known: boolean, envelope: LegacyEnvelope | null) => {
    if (!metrics) return;
    const failed = envelope !== null && envelope.status === 'FAIL';
    metrics.requests.inc({ operation: known ? operation : 'unknown', outcome: failed ? 'fail' : 'ok' });
    if (failed) metrics.refusals.inc({ code: codeLabel(envelope.ErrorCode) });
  };
  const handle = async (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> => {
    const operation = operationOfPath(req.url);
    const op = api.describe(operation);
    const refuse = (err: unknown, close: boolean) => {
      const envelope = api.failure(operation, err);
      count(op?.name ?? operation, op !== undefined, envelope);
      sendJson(res, envelope, { httpStatus: operation.toLowerCase() === 'downloadedoc' ? downloadStatus(envelope) : 200, close });
      if (close) res.on('finish', () => req.destroy());
    };
    if (!op) {
      refuse(new LegacyError('LEGACY.UNKNOWN_OPERATION', `no operation ${JSON.stringify(operation)} at ${req.url ?? ''}`), true);
      return;
    }
    let auth;
    try {
      auth = api.authenticate(signHeaderBytes(req), typeof req.headers[HASH_HEADER] === 'string' ? req.headers[HASH_HEADER] : undefined);
    } catch (err) {
      // The body is not read: close the connection so its bytes are not taken for a request.
      refuse(err, true);
      return;
    }
    if (expectsContinue) res.writeContinue();
    let body: Buffer;
    try {
      body = await readBody(req, op.readsBody ? opts.maxBodyBytes : SMALL_BODY_BYTES);
    } catch (err) {
      refuse(err, true);
      return;
    }
    if (!op.readsBody) body = Buffer.alloc(0);
    const result = await api.run(operation, auth, body);
    count(op.name, true, result.kind === 'json' ? result.envelope : null);
    if (result.kind === 'json') {
      const httpStatus = operation.toLowerCase() === 'downloadedoc' && result.envelope.status === 'FAIL' ? downloadStatus(result.envelope) : 200;
      sendJson(res, result.envelope, { httpStatus });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': result.bytes.length });
    res.end(result.bytes);
  };
  const serve = (expectsContinue: boolean) => (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, expectsContinue).catch((err: unknown) => {
      opts.onError?.(err);
      if (!res.headersSent) sendJson(res, fail(errorCodeOf(err).code, errorCodeOf(err).message), { close: true });
      else res.destroy();
    });
  };
  const server = createServer({ keepAlive: true });
  server.on('request', serve(false));
  server.on('checkContinue', serve(true));
  return server;
}
