import { deadlineIn, Fetcher, NetworkErrorCode, type HttpRequest } from '@vdx/signature-network';
import { FakeTransport, hang, ok } from '../testing/responders';

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};
const get = (url: string) => ({ method: 'GET' as const, url, maxBytes: 1000 });

describe('Fetcher', () => {
  it('allows only listed schemes and hosts, and no credentials: NETWORK.URL_NOT_ALLOWED', async () => {
    const fake = new FakeTransport().on('/x', () => ok(new Uint8Array([1])));
    const f = new Fetcher({ transport: fake.transport, allowedHosts: ['ocsp.ca.gov.vn', '*.neac.gov.vn', '127.0.0.1:8080'] });
    expect((await f.fetch(get('http://ocsp.ca.gov.vn/x'))).body).toEqual(new Uint8Array([1]));
    expect((await f.fetch(get('http://crl.neac.gov.vn/x'))).status).toBe(200);
    expect((await f.fetch(get('http://127.0.0.1:8080/x'))).status).toBe(200);
    for (const url of ['https://ocsp.ca.gov.vn/x', 'ftp://ocsp.ca.gov.vn/x', 'http://evil.vn/x', 'http://neac.gov.vn.evil.vn/x', 'http://127.0.0.1:8081/x', 'http://u:p@ocsp.ca.gov.vn/x', 'not a url']) {
      expect(await codeOf(f.fetch(get(url)))).toBe(NetworkErrorCode.URL_NOT_ALLOWED);
    }
    expect(fake.requests).toHaveLength(3);
    expect(await codeOf(Promise.resolve().then(() => new Fetcher({ timeoutMs: 0 })))).toBe(NetworkErrorCode.BAD_OPTION);
  });

  it('cuts a silent host at the timeout, and a package at its budget', async () => {
    const fake = new FakeTransport().on('/slow', hang);
    const f = new Fetcher({ transport: fake.transport, timeoutMs: 50 });
    const started = Date.now();
    expect(await codeOf(f.fetch(get('http://127.0.0.1:1/slow')))).toBe(NetworkErrorCode.TIMEOUT);
    expect(Date.now() - started).toBeLessThan(2000);
    const g = new Fetcher({ transport: fake.transport, timeoutMs: 60_000 });
    expect(await codeOf(g.fetch({ ...get('http://127.0.0.1:1/slow'), deadline: deadlineIn(30) }))).toBe(NetworkErrorCode.BUDGET_EXHAUSTED);
    expect(await codeOf(g.fetch({ ...get('http://127.0.0.1:1/slow'), deadline: deadlineIn(0) }))).toBe(NetworkErrorCode.BUDGET_EXHAUSTED);
    expect(fake.count('/slow')).toBe(2);
  });

  it('answers only 200 within maxBytes', async () => {
    const fake = new FakeTransport().on('/gone', () => ({ status: 404, contentType: undefined, body: new Uint8Array() }));
    const f = new Fetcher({ transport: fake.transport });
    expect(await codeOf(f.fetch(get('http://127.0.0.1:1/gone')))).toBe(NetworkErrorCode.HTTP_STATUS);
  });

  it('keeps at most maxConcurrent requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const transport = (_req: HttpRequest) =>
      new Promise<{ status: number; contentType: undefined; body: Uint8Array }>((resolve) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        releases.push(() => {
          inFlight -= 1;
          resolve({ status: 200, contentType: undefined, body: new Uint8Array() });
        });
      });
    const f = new Fetcher({ transport, maxConcurrent: 2 });
    let done = false;
    const all = Promise.all([1, 2, 3, 4, 5].map((i) => f.fetch(get(`http://127.0.0.1:1/${i}`)))).then(() => (done = true));
    let released = 0;
    while (!done) {
      await new Promise((r) => setImmediate(r));
      expect(inFlight).toBeLessThanOrEqual(2);
      const next = releases.shift();
      if (next) {
        next();
        released += 1;
      }
    }
    await all;
    expect(released).toBe(5);
    expect(most).toBe(2);
  });

  it('opens a host circuit after consecutive failures, lets one trial through after the cool-down', async () => {
    let now = 0;
    let up = false;
    const fake = new FakeTransport().on('/r', () => (up ? ok(new Uint8Array([7])) : { status: 503, contentType: undefined, body: new Uint8Array() }));
    const f = new Fetcher({ transport: fake.transport, clock: () => now, circuitBreaker: { failureThreshold: 2, cooldownMs: 1000 } });
    expect(await codeOf(f.fetch(get('http://127.0.0.1:5/r')))).toBe(NetworkErrorCode.HTTP_STATUS);
    expect(await codeOf(f.fetch(get('http://127.0.0.1:5/r')))).toBe(NetworkErrorCode.HTTP_STATUS);
    expect(await codeOf(f.fetch(get('http://127.0.0.1:5/r')))).toBe(NetworkErrorCode.CIRCUIT_OPEN);
    expect(f.breakers.state('127.0.0.1:5')).toBe('open');
    // Other hosts are not affected.
    expect(await codeOf(f.fetch(get('http://127.0.0.1:6/r')))).toBe(NetworkErrorCode.HTTP_STATUS);
    expect(f.requestsTo('127.0.0.1:5')).toBe(2);
    now = 1001;
    expect(await codeOf(f.fetch(get('http://127.0.0.1:5/r')))).toBe(NetworkErrorCode.HTTP_STATUS); // the trial fails: open again
    expect(await codeOf(f.fetch(get('http://127.0.0.1:5/r')))).toBe(NetworkErrorCode.CIRCUIT_OPEN);
    now = 2100;
    up = true;
    expect((await f.fetch(get('http://127.0.0.1:5/r'))).body).toEqual(new Uint8Array([7]));
    expect(f.breakers.state('127.0.0.1:5')).toBe('closed');
    expect(f.requestsTo('127.0.0.1:5')).toBe(4);
  });

  it('does not count a 404 or an oversized answer against the host', async () => {
    const fake = new FakeTransport().on('/r', () => ({ status: 404, contentType: undefined, body: new Uint8Array() }));
    const f = new Fetcher({ transport: fake.transport, circuitBreaker: { failureThreshold: 1 } });
    for (let i = 0; i < 3; i++) expect(await codeOf(f.fetch(get('http://127.0.0.1:5/r')))).toBe(NetworkErrorCode.HTTP_STATUS);
    expect(f.breakers.state('127.0.0.1:5')).toBe('closed');
  });
});
