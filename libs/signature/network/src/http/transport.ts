import * as http from 'node:http';
import * as https from 'node:https';
import { NetworkError, NetworkErrorCode } from '../network.error';

/** One HTTP exchange as the adapters need it: GET or POST, a body, a size cap and an abort signal. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Bytes of response body allowed; more aborts with `NETWORK.TOO_LARGE`. */
  readonly maxBytes: number;
  readonly signal: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: Uint8Array;
}

/** Port: how bytes travel. Node's http/https is the adapter; unit tests pass a function. */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/**
 * Node's `http`/`https` client: no redirects followed, no keep-alive pool shared with anything
 * else, the body read up to `maxBytes`. Rejects with a `NetworkError` (`UNREACHABLE`,
 * `TOO_LARGE`); an abort rejects with the signal's reason.
 */
export const nodeHttpTransport: HttpTransport = (request) =>
  new Promise<HttpResponse>((resolve, reject) => {
    const client = request.url.protocol === 'https:' ? https : http;
    const headers: Record<string, string> = { ...request.headers };
    if (request.body) headers['content-length'] = String(request.body.length);
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      reject(e);
    };
    if (request.signal.aborted) {
      fail(request.signal.reason);
      return;
    }
    const req = client.request(request.url, { method: request.method, headers, signal: request.signal, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxBytes) {
          fail(new NetworkError(NetworkErrorCode.TOO_LARGE, `${request.url.host} sent more than ${request.maxBytes} bytes`));
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (e) => fail(request.signal.aborted ? request.signal.reason : new NetworkError(NetworkErrorCode.UNREACHABLE, `${request.url.host}: ${e.message}`, { cause: e })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const type = res.headers['content-type'];
        resolve({ status: res.statusCode ?? 0, contentType: typeof type === 'string' ? type : undefined, body: new Uint8Array(Buffer.concat(chunks)) });
      });
    });
    req.on('error', (e) => fail(request.signal.aborted ? request.signal.reason : new NetworkError(NetworkErrorCode.UNREACHABLE, `${request.url.host}: ${e.message}`, { cause: e })));
    req.end(request.body ? Buffer.from(request.body) : undefined);
  });
