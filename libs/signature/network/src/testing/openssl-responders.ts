// Test support for the integration and e2e tiers: OpenSSL's OCSP responder logic behind a Node
// HTTP server, CRLs made by `openssl ca -gencrl`, and a Node HTTP server for CRLs and caIssuers,
// all on 127.0.0.1 with free ports, started and stopped by the tests. Not exported.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SigningCredential } from '@vdx/pki';

const run = promisify(execFile);

/** openssl `index.txt` time: YYMMDDHHMMSSZ. */
const indexTime = (d: Date): string => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';

/** An OpenSSL CA database line for `cert`, revoked at `revokedAt` when given. */
export function indexLine(cert: SigningCredential, revokedAt?: Date): string {
  const serial = cert.serialNumber.toUpperCase();
  const subject = '/' + cert.subject.split(', ').join('/');
  return revokedAt ? `R\t${indexTime(cert.notAfter)}\t${indexTime(revokedAt)}\t${serial}\tunknown\t${subject}\n` : `V\t${indexTime(cert.notAfter)}\t\t${serial}\tunknown\t${subject}\n`;
}

/** Writes a CA's files and database into `dir/<name>.*`. */
export async function writeCa(dir: string, name: string, ca: SigningCredential, entries: string[]): Promise<{ cert: string; key: string; index: string }> {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const index = join(dir, `${name}.index.txt`);
  await writeFile(cert, ca.certPem);
  await writeFile(key, ca.keyPem, { mode: 0o600 });
  await writeFile(index, entries.join(''));
  await writeFile(`${index}.attr`, 'unique_subject = no\n');
  return { cert, key, index };
}

/** A DER CRL made by `openssl ca -gencrl` from the CA's database, valid `hours` from now. */
export async function opensslCrl(dir: string, ca: { cert: string; key: string; index: string }, hours = 24): Promise<Uint8Array> {
  const config = `${ca.index}.cnf`;
  await writeFile(config, `[ca]\ndefault_ca = d\n[d]\ndatabase = ${ca.index}\ndefault_md = sha256\n`);
  const pem = `${ca.index}.crl.pem`;
  const der = `${ca.index}.crl`;
  await run('openssl', ['ca', '-gencrl', '-batch', '-config', config, '-keyfile', ca.key, '-cert', ca.cert, '-crlhours', String(hours), '-out', pem], { cwd: dir });
  await run('openssl', ['crl', '-in', pem, '-outform', 'DER', '-out', der]);
  return new Uint8Array(await readFile(der));
}

/** The files `openssl ocsp` answers from: the CA database, the CA, the delegated responder's certificate and key. */
export interface OcspResponderFiles {
  readonly index: string;
  readonly ca: string;
  readonly rsigner: string;
  readonly rkey: string;
}

const MAX_OCSP_REQUEST_BYTES = 64 * 1024;

/**
 * An OCSP responder for one CA on 127.0.0.1:`port`: a Node HTTP server that, for each POSTed
 * DER request, runs OpenSSL's responder logic once (`openssl ocsp -index … -reqin … -respout …`,
 * signed by a delegated responder, nextUpdate in `nmin` minutes) and answers its bytes as
 * `application/ocsp-response`. (`openssl ocsp -port` would listen on every interface.) Anything
 * but a POST is 405, an empty or oversized body 400, a request OpenSSL cannot answer 500.
 * `stop()` closes every connection and waits for any `openssl` still running; `start()` again
 * brings it back on the same port.
 */
export class OpensslOcspResponder {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly running = new Set<ChildProcess>();
  private workDir: string | null = null;
  private seq = 0;
  /** Requests answered with an OCSP response since construction. */
  answered = 0;

  constructor(
    private readonly port: number,
    private readonly files: OcspResponderFiles,
    private readonly nmin = 5,
  ) {}

  /** Listens on 127.0.0.1:`port`; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.server) return;
    this.workDir = await mkdtemp(join(tmpdir(), 'vdx-ocsp-responder-'));
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.listen(this.port, '127.0.0.1');
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([e]) => Promise.reject(e as Error))]);
    this.server = server;
  }

  /** Where it listens (null when stopped). */
  address(): AddressInfo | null {
    return (this.server?.address() as AddressInfo | null) ?? null;
  }

  /** Closes the server and every connection, and waits for the `openssl` runs in flight. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    server.close();
    await once(server, 'close');
    await Promise.all([...this.running].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'close');
      child.kill('SIGTERM');
      await exited;
    }));
    const dir = this.workDir;
    this.workDir = null;
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  /** `openssl` processes running right now (0 once stopped). */
  get inFlight(): number {
    return this.running.size;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      req.resume();
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= MAX_OCSP_REQUEST_BYTES) chunks.push(chunk);
    }
    if (size === 0 || size > MAX_OCSP_REQUEST_BYTES) {
      res.writeHead(400).end();
      return;
    }
    const dir = this.workDir;
    if (!dir) return void res.destroy();
    const n = ++this.seq;
    const reqin = join(dir, `${n}.req.der`);
    const respout = join(dir, `${n}.resp.der`);
    try {
      await writeFile(reqin, Buffer.concat(chunks));
      // Stopped (or restarted) meanwhile: start nothing `stop()` would not wait for.
      if (this.workDir !== dir || !this.server) return void res.destroy();
      await this.openssl(['ocsp', '-index', this.files.index, '-CA', this.files.ca, '-rsigner', this.files.rsigner, '-rkey', this.files.rkey, '-nmin', String(this.nmin), '-reqin', reqin, '-respout', respout]);
      const body = await readFile(respout);
      this.answered++;
      res.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': body.length }).end(body);
    } catch (e) {
      if (!res.destroyed) res.writeHead(500, { 'content-type': 'text/plain' }).end(e instanceof Error ? e.message : String(e));
    } finally {
      await Promise.all([rm(reqin, { force: true }), rm(respout, { force: true })]);
    }
  }

  /** Runs openssl once, tracked so `stop()` can wait for it; rejects with its output on failure. */
  private openssl(args: readonly string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.running.add(child);
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.once('error', (e) => {
        this.running.delete(child);
        reject(e);
      });
      child.once('close', (code, signal) => {
        this.running.delete(child);
        if (code === 0) resolve();
        else reject(new Error(`openssl ocsp failed (${signal ?? code}): ${output.trim()}`));
      });
    });
  }
}

/** A Node HTTP server on 127.0.0.1 serving fixed files, counting requests per path; `down` paths answer 503. */
export class FileServer {
  readonly files = new Map<string, { body: Uint8Array; type: string }>();
  readonly down = new Set<string>();
  readonly hits = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  port = 0;

  /** `hang: true` accepts connections and never answers (a slow responder). */
  constructor(private readonly hang = false) {}

  async start(): Promise<void> {
    const server = createServer((req, res: ServerResponse) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      req.resume();
      if (this.hang) return;
      const file = this.files.get(path);
      if (this.down.has(path)) res.writeHead(503).end();
      else if (!file) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': file.type }).end(Buffer.from(file.body));
    });
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  count(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    server.close();
    await once(server, 'close');
  }
}
