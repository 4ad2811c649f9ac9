// Test support: RFC 3161 timestamp tokens from OpenSSL's own TSA (`openssl ts -query` then
// `openssl ts -reply`, Debian's openssl), an implementation independent of the verifier and of
// the pkijs-made tokens of cms-builder.ts. Not exported.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SigningCredential } from '@vdx/pki';

const run = promisify(execFile);

/** A TSA signing with `tsa`, its token carrying `chain` after the TSA certificate. */
export interface OpensslTsaOptions {
  readonly tsa: SigningCredential;
  readonly chain?: readonly SigningCredential[];
}

/** The DER TimeStampToken OpenSSL's TSA gives for the SHA-256 of `data` (genTime: now). */
export async function opensslTimestamp(data: Uint8Array, opts: OpensslTsaOptions): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'vdx-openssl-ts-'));
  try {
    const p = (name: string) => join(dir, name);
    await writeFile(p('data'), data);
    await writeFile(p('tsa.crt'), opts.tsa.certPem);
    await writeFile(p('tsa.key'), opts.tsa.keyPem);
    await writeFile(p('chain.pem'), (opts.chain ?? []).map((c) => c.certPem).join(''));
    await writeFile(p('serial'), '01\n');
    await writeFile(
      p('tsa.cnf'),
      [
        '[ tsa ]',
        'default_tsa = sandbox',
        '[ sandbox ]',
        `serial = ${p('serial')}`,
        'signer_digest = sha256',
        'default_policy = 1.3.6.1.4.1.99999.30.3',
        'digests = sha256, sha384, sha512',
        'accuracy = secs:1',
        'ordering = no',
        'tsa_name = no',
        'ess_cert_id_chain = no',
        'ess_cert_id_alg = sha256',
        '',
      ].join('\n'),
    );
    await run('openssl', ['ts', '-query', '-data', p('data'), '-sha256', '-cert', '-out', p('q.tsq')]);
    await run('openssl', ['ts', '-reply', '-config', p('tsa.cnf'), '-queryfile', p('q.tsq'), '-signer', p('tsa.crt'), '-inkey', p('tsa.key'), ...(opts.chain?.length ? ['-chain', p('chain.pem')] : []), '-token_out', '-out', p('token.der')]);
    return new Uint8Array(await readFile(p('token.der')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
