// Test support for the integration and e2e tiers: the sandbox signing hierarchy publishing its
// revocation data on 127.0.0.1 — OCSP for the end entities from OpenSSL's responder logic, CRLs
// (`openssl ca -gencrl`) and the intermediate's certificate from a Node HTTP server — and a PDF
// signed by the competent signer and the agency's seal. Not exported; under test-fixtures/
// because it signs with the validator's test builders.
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigningHierarchy, issueSigningCertificate, SANDBOX_POLICY_OIDS, type PublicationUrls, type SigningCredential, type SigningHierarchy } from '@vdx/pki';
import { signDetached } from '../../../validator/src/testing/cms-builder';
import { minimalPdf, signPdf } from '../../../validator/src/testing/pdf-builder';
import { FileServer, indexLine, opensslCrl, OpensslOcspResponder, writeCa } from '../testing/openssl-responders';
import { freePort } from '@vdx/testing';

const HOUR = 3_600_000;

/** A hierarchy whose certificates name live responders, and the responders themselves. */
export interface RevocationSandbox {
  readonly hierarchy: SigningHierarchy;
  /** OCSP for every certificate the intermediate issued (at `/`), signed by the delegated responder. */
  readonly ocsp: OpensslOcspResponder;
  /** `/ca.crl` (the intermediate's CRL), `/root.crl` (the root's), `/ca.crt` (the intermediate, for AIA). */
  readonly files: FileServer;
  /** Certificates issued 24 h ago; documents are signed an hour ago. */
  readonly signedAt: Date;
  /** What end-entity certificates name (OCSP, CRL, caIssuers), to issue more of them. */
  readonly endEntityUrls: PublicationUrls;
  /**
   * A new organisational seal issued by the intermediate (a day ago), naming the responders: one
   * no cache has an answer for yet. `known` (default): in the CA database, so OCSP says good;
   * otherwise OCSP says unknown.
   */
  issueSeal(name: string, known?: boolean): Promise<SigningCredential>;
  /** A PDF with the personal signature and the seal (or `signers`), one incremental update each. */
  signedPdf(line?: string, signers?: readonly SigningCredential[]): Promise<Uint8Array>;
  /** Stops every server and removes the CA files. */
  stop(): Promise<void>;
}

/** Starts the responders (free ports on 127.0.0.1) and issues the hierarchy pointing at them; `revoked` certificates are revoked 2 h ago. */
export async function startRevocationSandbox(opts: { revoked?: (h: SigningHierarchy) => readonly SigningCredential[] } = {}): Promise<RevocationSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'vdx-revocation-sandbox-'));
  const files = new FileServer();
  let ocsp: OpensslOcspResponder | null = null;
  try {
    await files.start();
    const ocspPort = await freePort();
    const http = `http://127.0.0.1:${files.port}`;
    const now = Date.now();
    const endEntityUrls: PublicationUrls = { ocsp: [`http://127.0.0.1:${ocspPort}/`], crl: [`${http}/ca.crl`], caIssuers: [`${http}/ca.crt`] };
    const hierarchy = await createSigningHierarchy({ now: new Date(now - 24 * HOUR), endpoints: { endEntities: endEntityUrls, intermediate: { crl: [`${http}/root.crl`] } } });
    const revoked = new Set((opts.revoked?.(hierarchy) ?? []).map((c) => c.fingerprint));
    const revokedAt = new Date(Math.floor((now - 2 * HOUR) / 1000) * 1000);
    const line = (c: SigningCredential): string => indexLine(c, revoked.has(c.fingerprint) ? revokedAt : undefined);
    const ca = await writeCa(dir, 'intermediate', hierarchy.intermediate, [line(hierarchy.personal), line(hierarchy.organisational), line(hierarchy.tsa)]);
    const root = await writeCa(dir, 'root', hierarchy.root, [line(hierarchy.intermediate)]);
    files.files.set('/ca.crl', { body: await opensslCrl(dir, ca), type: 'application/pkix-crl' });
    files.files.set('/root.crl', { body: await opensslCrl(dir, root), type: 'application/pkix-crl' });
    files.files.set('/ca.crt', { body: hierarchy.intermediate.certDer, type: 'application/pkix-cert' });
    const responder = await writeCa(dir, 'responder', hierarchy.ocsp, []);
    ocsp = new OpensslOcspResponder(ocspPort, { index: ca.index, ca: ca.cert, rsigner: responder.cert, rkey: responder.key });
    await ocsp.start();
    const signedAt = new Date(now - HOUR);
    const started = ocsp;
    return {
      hierarchy,
      ocsp: started,
      files,
      signedAt,
      endEntityUrls,
      async issueSeal(name: string, known = true) {
        const seal = await issueSigningCertificate(hierarchy.intermediate, {
          subject: { CN: name, O: name, C: 'VN' },
          now: new Date(now - 24 * HOUR),
          policies: [SANDBOX_POLICY_OIDS.organisational],
          authorityInfoAccess: { ocsp: endEntityUrls.ocsp ?? [], caIssuers: endEntityUrls.caIssuers ?? [] },
          crlDistributionPoints: endEntityUrls.crl ?? [],
        });
        // The responder runs openssl ocsp per request, which reads the CA database afresh.
        if (known) await appendFile(ca.index, line(seal));
        return seal;
      },
      async signedPdf(text = 'Cong van so 123/UBND-VP', signers = [hierarchy.personal, hierarchy.organisational]) {
        let pdf = minimalPdf(text);
        for (const [i, signer] of signers.entries()) pdf = await signPdf(pdf, { fieldName: `Signature${i + 1}`, signingTime: signedAt }, (c) => signDetached(c, { signer, signingTime: signedAt }));
        return pdf;
      },
      async stop() {
        await started.stop();
        await files.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await ocsp?.stop();
    await files.stop();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}
