import { connect, type Socket } from 'node:net';
import { createHash, createHmac } from 'node:crypto';
import { JavaHashMap } from './java-hash-map';

/** One HTTP exchange as the client saw it. */
export interface WireResponse {
  readonly httpStatus: number;
  /** Whether the server sent `100 Continue` before the final answer. */
  readonly continued: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface ReferenceClientOptions {
  /** Fixed when the client object is created, never refreshed (default: now, local time). */
  readonly timestamp?: string;
  /** Override the signature (tests of refusals): given `S`, return the hash header to send. */
  readonly hashHeader?: (signed: string) => string;
  /** How many times a POST is sent when the answer is lost (the client tries up to 5 times). */
  readonly tries?: number;
}

/** The client's `hash-file`: SHA-256 with each byte as `Integer.toHexString(b & 0xff)` (no zero padding). */
export function javaUnpaddedSha256(bytes: Uint8Array): string {
  return [...createHash('sha256').update(bytes).digest()].map((b) => b.toString(16)).join('');
}

/** Gson-style compact JSON string (it escapes `<`, `>`, `&`, `=` and `'` too). */
function gsonString(s: string): string {
  let out = '"';
  for (const c of s) {
    const n = c.charCodeAt(0);
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (n < 0x20 || '<>&=\''.includes(c) || n === 0x2028 || n === 0x2029) out += `\\u${n.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `ddMMyyyy'T'HHmmss+SSSS` of a local time. */
export function javaClientTimestamp(d: Date): string {
  return `${two(d.getDate())}${two(d.getMonth() + 1)}${d.getFullYear()}T${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}+${String(d.getMilliseconds()).padStart(4, '0')}`;
}

interface RawRequest {
  readonly method: 'GET' | 'POST';
  readonly operation: string;
  readonly contentType: string;
  readonly body: Buffer;
  readonly expectContinue: boolean;
  /** Extra raw header lines, sent as they are (a second spelling of one header, …). */
  readonly extraHeaders?: readonly string[];
}

/**
 * A reproduction, on the wire, of VNPT's reference Java client (`SDKVXP` 2.0.x) of the legacy
 * VXP HTTP API, to test the edge against: one header map per object that never forgets a key
 * (parameters accumulate across calls, `docId` and `docid` included), iterated in Java
 * `HashMap` order into the signed JSON `S`; a timestamp fixed at construction; `endpoint + "/" +
 * operation`; sendEdoc's file followed by one CRLF; the unpadded `hash-file`; `Expect:
 * 100-continue` on some calls; a POST sent again when its answer is lost.
 */
export class ReferenceClient {
  private readonly params = new JavaHashMap();
  private readonly url: URL;

  constructor(
    private readonly endpoint: string,
    readonly systemId: string,
    private readonly secret: string,
    private readonly opts: ReferenceClientOptions = {},
  ) {
    this.url = new URL(endpoint);
    this.set('systemid', systemId);
    this.set('timestamp', opts.timestamp ?? javaClientTimestamp(new Date()));
  }

  /** Puts a parameter into the client's one header map (as the SDK's setters do). */
  set(name: string, value: string): void {
    this.params.put(`XroadVnpt-${name}`, value);
  }

  /** The signed JSON `S` the next call sends, in HashMap order. */
  signedHeaders(): string {
    return `{${this.params
      .entries()
      .map(([k, v]) => `${gsonString(k)}:${gsonString(v)}`)
      .join(',')}}`;
  }

  private headerLines(req: RawRequest): string[] {
    this.set('Content-Type', req.contentType);
    const signed = this.signedHeaders();
    const entries = this.params.entries();
    const hash = this.opts.hashHeader ? this.opts.hashHeader(signed) : createHmac('sha256', Buffer.from(this.secret, 'utf8')).update(Buffer.from(signed, 'utf8')).digest('hex');
    const path = `${this.endpoint.endsWith('/') ? this.url.pathname : this.url.pathname.replace(/\/$/, '')}/${req.operation}`;
    return [
      `${req.method} ${path} HTTP/1.1`,
      `Content-Type: ${req.contentType}`,
      ...entries.map(([k, v]) => `${k}: ${v}`),
      `XroadVnpt-sign-header: ${signed}`,
      `XroadVnpt-sign-header-key: ${entries.map(([k]) => k.slice('XroadVnpt-'.length)).join(';')}`,
      `XroadVnpt-hash-header: ${hash}`,
      'User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP',
      'XroadVnpt-version: 3.0.201608',
      `Host: ${this.url.host}`,
      'Accept: text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2',
      'Connection: keep-alive',
      ...(req.expectContinue ? ['Expect: 100-continue'] : []),
      `Content-Length: ${req.body.length}`,
      ...(req.extraHeaders ?? []),
    ];
  }

  /** Sends one request on a new connection and reads the answer (after any `100 Continue`). */
  exchange(req: RawRequest): Promise<WireResponse> {
    const head = Buffer.from(`${this.headerLines(req).join('\r\n')}\r\n\r\n`, 'latin1');
    return new Promise((resolve, reject) => {
      const socket: Socket = connect(Number(this.url.port), this.url.hostname);
      let received = Buffer.alloc(0);
      let continued = false;
      let bodySent = false;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = (res: WireResponse) => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        socket.destroy();
        resolve(res);
      };
      const sendBody = () => {
        if (bodySent) return;
        bodySent = true;
        if (timer) clearTimeout(timer);
        socket.write(req.body);
      };
      socket.on('connect', () => {
        socket.write(head);
        // Like HttpURLConnection: wait a while for 100 Continue, then send the body anyway.
        if (req.expectContinue) timer = setTimeout(sendBody, 3000);
        else sendBody();
      });
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        for (;;) {
          const end = received.indexOf('\r\n\r\n');
          if (end < 0) return;
          const lines = received.subarray(0, end).toString('latin1').split('\r\n');
          const status = Number(lines[0]!.split(' ')[1]);
          if (status === 100) {
            continued = true;
            received = received.subarray(end + 4);
            sendBody();
            continue;
          }
          const headers: Record<string, string> = {};
          for (const line of lines.slice(1)) {
            const i = line.indexOf(':');
            headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
          }
          const length = Number(headers['content-length'] ?? 0);
          if (received.length < end + 4 + length) return;
          finish({ httpStatus: status, continued, headers, body: received.subarray(end + 4, end + 4 + length) });
          return;
        }
      });
      socket.on('error', (err) => {
        if (!done) {
          done = true;
          reject(err);
        }
      });
      socket.on('close', () => finish({ httpStatus: 0, continued, headers: {}, body: received }));
    });
  }

  /**
   * A POST as the SDK makes it. `lostAnswers` answers are lost on their way back (the server
   * did the work; the client never heard), so the client sends the same request again, up to
   * its 5 tries; the last answer.
   */
  private async post(req: RawRequest, lostAnswers = 0): Promise<WireResponse> {
    const tries = this.opts.tries ?? 5;
    for (let i = 0; ; i++) {
      const res = await this.exchange(req);
      if (i >= lostAnswers || i + 1 >= tries) return res;
    }
  }

  private json(res: WireResponse): Record<string, unknown> {
    return JSON.parse(res.body.toString('ascii')) as Record<string, unknown>;
  }

  /** `sendEdoc`: the file and one extra CRLF, octet-stream; `lostAnswers` answers are lost before one arrives. */
  async sendEdoc(file: Buffer, p: { from: string; messagetype: 'edoc' | 'status'; to?: string; lostAnswers?: number; hashFile?: string }): Promise<{ wire: WireResponse; json: Record<string, unknown> }> {
    this.set('from', p.from);
    this.set('servicetype', 'eDoc');
    this.set('messagetype', p.messagetype);
    this.set('hash-file', p.hashFile ?? javaUnpaddedSha256(file));
    if (p.to !== undefined) this.set('to', p.to);
    const wire = await this.post({ method: 'POST', operation: 'sendEdoc', contentType: 'application/octet-stream', body: Buffer.concat([file, Buffer.from('\r\n')]), expectContinue: false }, p.lostAnswers ?? 0);
    return { wire, json: this.json(wire) };
  }

  async call(operation: string, params: Readonly<Record<string, string>> = {}, opts: { body?: Buffer; expectContinue?: boolean; extraHeaders?: string[]; lostAnswers?: number } = {}): Promise<{ wire: WireResponse; json: Record<string, unknown> }> {
    for (const [k, v] of Object.entries(params)) this.set(k, v);
    const body = opts.body ?? Buffer.from('{}');
    const wire = await this.post(
      { method: 'POST', operation, contentType: body.length === 0 ? 'application/x-www-form-urlencoded' : 'application/json', body, expectContinue: opts.expectContinue ?? true, ...(opts.extraHeaders ? { extraHeaders: opts.extraHeaders } : {}) },
      opts.lostAnswers ?? 0,
    );
    return { wire, json: this.json(wire) };
  }

  getReceivedEdocList(messagetype: 'edoc' | 'status', extra: Readonly<Record<string, string>> = {}) {
    return this.call('getReceivedEdocList', { servicetype: 'eDoc', messagetype, ...extra });
  }

  /** `getEdoc` sets `docId` (and the client's own `filePath`, which the server ignores). */
  getEdoc(docId: string, filePath = '/var/qlvb/inbox') {
    return this.call('getEdoc', { docId, filePath });
  }

  /** `updateStatus` sets `docid` (lower case), beside any `docId` a getEdoc left. */
  updateStatus(docid: string, status: 'done' | 'fail', lostAnswers = 0) {
    return this.call('updateStatus', { docid, status }, { lostAnswers });
  }

  getSentEdocList(docId: string) {
    return this.call('getSentEdocList', { docId }, { body: Buffer.alloc(0), expectContinue: false });
  }

  async downloadEdoc(docId: string): Promise<WireResponse> {
    this.set('docId', docId);
    return this.exchange({ method: 'GET', operation: 'downloadEdoc', contentType: 'application/json', body: Buffer.alloc(0), expectContinue: false });
  }

  countReceiveEdoc() {
    return this.call('countReceiveEdoc', {}, { body: Buffer.alloc(0), expectContinue: false });
  }

  countReceiveStatus() {
    return this.call('countReceiveStatus', {}, { body: Buffer.alloc(0), expectContinue: false });
  }

  getAgenciesList() {
    return this.call('getAgenciesList');
  }

  getAgenciesListQD20(level: string) {
    return this.call('getAgenciesListQD20', { level });
  }

  getSynchronizeUnit(extra: Readonly<Record<string, string>> = {}) {
    return this.call('getSynchronizeUnit', extra);
  }

  registerAgency(json: string) {
    return this.call('registerAgency', {}, { body: Buffer.from(json, 'utf8') });
  }

  deleteAgency(code: string) {
    return this.call('deleteAgency', { AgencyCode: code });
  }
}
