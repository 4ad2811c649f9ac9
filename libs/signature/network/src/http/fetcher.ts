import { NetworkError, NetworkErrorCode } from '../network.error';
import { CircuitBreakers, type CircuitBreakerOptions } from './circuit-breaker';
import { NO_DEADLINE, type Deadline } from './deadline';
import { Semaphore } from '@vdx/concurrency';
import { nodeHttpTransport, type HttpResponse, type HttpTransport } from './transport';

/** Options of {@link Fetcher}. */
export interface FetcherOptions {
  /** URL schemes allowed. Default `['http:']`: OCSP, CRLs and caIssuers are published over plain HTTP (RFC 5280 §4.2.1.13, RFC 6960 A.1). */
  readonly allowedSchemes?: readonly string[];
  /**
   * Hosts allowed (`host` or `host:port`, exact, case-insensitive; `*.example.vn` for a domain
   * and its subdomains). Absent: any host. Production lists the CAs' publication hosts.
   */
  readonly allowedHosts?: readonly string[];
  /** Per-request timeout. Default 5,000 ms. */
  readonly timeoutMs?: number;
  /** Requests in flight at once across every adapter sharing this fetcher. Default 8. */
  readonly maxConcurrent?: number;
  readonly circuitBreaker?: CircuitBreakerOptions;
  /** Default Node's http/https. */
  readonly transport?: HttpTransport;
  /** Milliseconds since the epoch. Default `Date.now`. */
  readonly clock?: () => number;
}

/** One request of an adapter. */
export interface FetchRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly maxBytes: number;
  readonly deadline?: Deadline;
}

/**
 * The only way the adapters reach the network: checks the URL against the allow-list, waits
 * for a slot (bounded concurrency), refuses hosts whose circuit is open, cuts the request at
 * the per-request timeout or the package's deadline, whichever comes first, and answers only a
 * 200 with a body within `maxBytes`. Every refusal is a {@link NetworkError}. Counts requests
 * sent, per host, for operators and tests.
 */
export class Fetcher {
  private readonly schemes: ReadonlySet<string>;
  private readonly hosts: readonly string[] | null;
  private readonly timeoutMs: number;
  private readonly transport: HttpTransport;
  private readonly semaphore: Semaphore;
  readonly breakers: CircuitBreakers;
  readonly clock: () => number;
  private readonly sent = new Map<string, number>();

  constructor(opts: FetcherOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 5000;
    const maxConcurrent = opts.maxConcurrent ?? 8;
    if (!(this.timeoutMs > 0) || !Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
      throw new NetworkError(NetworkErrorCode.BAD_OPTION, 'timeoutMs must be positive and maxConcurrent a positive integer');
    }
    this.schemes = new Set(opts.allowedSchemes ?? ['http:']);
    this.hosts = opts.allowedHosts ? opts.allowedHosts.map((h) => h.toLowerCase()) : null;
    this.transport = opts.transport ?? nodeHttpTransport;
    this.semaphore = new Semaphore(maxConcurrent);
    this.clock = opts.clock ?? Date.now;
    this.breakers = new CircuitBreakers(opts.circuitBreaker ?? {}, this.clock);
  }

  /** The URL parsed, or `NETWORK.URL_NOT_ALLOWED`. */
  allowed(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new NetworkError(NetworkErrorCode.URL_NOT_ALLOWED, `not a URL: ${raw.slice(0, 200)}`);
    }
    if (!this.schemes.has(url.protocol)) throw new NetworkError(NetworkErrorCode.URL_NOT_ALLOWED, `scheme ${url.protocol} is not allowed: ${url.href.slice(0, 200)}`);
    if (url.username || url.password) throw new NetworkError(NetworkErrorCode.URL_NOT_ALLOWED, 'URLs with credentials are not allowed');
    if (this.hosts && !this.hosts.some((h) => hostMatches(h, url))) throw new NetworkError(NetworkErrorCode.URL_NOT_ALLOWED, `host ${url.host} is not on the allow-list`);
    return url;
  }

  async fetch(request: FetchRequest): Promise<HttpResponse> {
    const url = this.allowed(request.url);
    const deadline = request.deadline ?? NO_DEADLINE;
    return this.semaphore.run(async () => {
      const budget = deadline.remaining();
      if (budget <= 0) throw new NetworkError(NetworkErrorCode.BUDGET_EXHAUSTED, `no time left to ask ${url.host}`);
      if (!this.breakers.tryAcquire(url.host)) throw new NetworkError(NetworkErrorCode.CIRCUIT_OPEN, `${url.host} failed repeatedly; not asked until its cool-down ends`);
      const cut = Math.min(this.timeoutMs, budget);
      const controller = new AbortController();
      const reason = cut < this.timeoutMs ? new NetworkError(NetworkErrorCode.BUDGET_EXHAUSTED, `the package's look-up budget ran out asking ${url.host}`) : new NetworkError(NetworkErrorCode.TIMEOUT, `${url.host} did not answer within ${this.timeoutMs} ms`);
      const timer = setTimeout(() => controller.abort(reason), cut);
      this.sent.set(url.host, (this.sent.get(url.host) ?? 0) + 1);
      // A host that answers (a 4xx, a body over the cap) is up: only silence, resets and 5xx count against it.
      let answered = false;
      try {
        const response = await this.transport({ method: request.method, url, ...(request.headers ? { headers: request.headers } : {}), ...(request.body ? { body: request.body } : {}), maxBytes: request.maxBytes, signal: controller.signal });
        answered = response.status < 500;
        if (response.status !== 200) throw new NetworkError(NetworkErrorCode.HTTP_STATUS, `${url.host} answered HTTP ${response.status}`);
        this.breakers.success(url.host);
        return response;
      } catch (e) {
        const error = controller.signal.aborted ? reason : e instanceof NetworkError ? e : new NetworkError(NetworkErrorCode.UNREACHABLE, `${url.host}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
        if (answered || error.code === NetworkErrorCode.TOO_LARGE) this.breakers.success(url.host);
        else this.breakers.failure(url.host);
        throw error;
      } finally {
        clearTimeout(timer);
      }
    });
  }

  /** Requests sent to `host` (`host:port` as in the URL) so far. */
  requestsTo(host: string): number {
    return this.sent.get(host) ?? 0;
  }
}

function hostMatches(pattern: string, url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (pattern.startsWith('*.')) return host === pattern.slice(2) || host.endsWith(pattern.slice(1));
  return pattern.includes(':') ? pattern === url.host.toLowerCase() : pattern === host;
}
