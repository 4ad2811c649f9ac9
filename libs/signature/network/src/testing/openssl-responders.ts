// Test support for the integration tier: Debian's `openssl ocsp` as a real OCSP responder,
// CRLs made by `openssl ca -gencrl`, and a Node HTTP server for CRLs and caIssuers, all on
// 127.0.0.1 with free ports, started and stopped by the tests. Not exported.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SigningCredential } from '@vdx/pki';

const run = promisify(execFile);

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

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

/** `openssl ocsp` answering for one CA on `port`, signed by a delegated responder, nextUpdate in `nmin` minutes. */
export class OpensslOcspResponder {
  private child: ChildProcess | null = null;

  constructor(
    private readonly port: number,
    private readonly files: { index: string; ca: string; rsigner: string; rkey: string },
    private readonly nmin = 5,
  ) {}

  /** Starts it and waits until it says it is accepting connections. */
  async start(): Promise<void> {
    const child = spawn('openssl', ['ocsp', '-index', this.files.index, '-port', String(this.port), '-CA', this.files.ca, '-rsigner', this.files.rsigner, '-rkey', this.files.rkey, '-nmin', String(this.nmin), '-ignore_err'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('waiting for OCSP client connections')) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`openssl ocsp exited (${code}) before accepting: ${output}`)));
      child.once('error', reject);
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
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
