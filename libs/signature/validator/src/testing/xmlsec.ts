// Test support: enveloped XML-DSig signatures made by xmlsec1 (libxmlsec1 over libxml2, Debian's
// `xmlsec1`, installed by the bootstrap), an implementation independent of the verifier and of
// xml-crypto, with Canonical XML 1.0, 1.1 or exclusive C14N. Not exported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SigningCredential } from '@vdx/pki';

export const C14N10_URI = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
export const C14N11_URI = 'http://www.w3.org/2006/12/xml-c14n11';
export const EXC_C14N_URI = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

export interface XmlsecSignOptions {
  readonly signer: SigningCredential;
  /** Certificates in KeyInfo after the signer's. */
  readonly chain?: readonly SigningCredential[];
  /** Of SignedInfo and of the reference. */
  readonly canonicalization: string;
  /** `document`: `URI=""`; `envelope`: `URI="#<envelopeId>"`, the edXMLEnvelope carrying that Id. */
  readonly reference: 'document' | 'envelope';
  readonly envelopeId?: string;
}

/** Whether xmlsec1 is on the PATH (the bootstrap installs it). */
export function xmlsecVersion(): string | null {
  const r = spawnSync('xmlsec1', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** `xml` (an edXML package) with an enveloped Signature in its header, signed by xmlsec1. */
export function xmlsecSign(xml: string, opts: XmlsecSignOptions): string {
  const ec = opts.signer.keyAlgorithm === 'ecdsa-p256';
  const method = ec ? 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256' : 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
  const uri = opts.reference === 'document' ? '' : `#${opts.envelopeId ?? 'env-1'}`;
  const template =
    `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="${opts.canonicalization}"/><SignatureMethod Algorithm="${method}"/>` +
    `<Reference URI="${uri}"><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><Transform Algorithm="${opts.canonicalization}"/></Transforms>` +
    `<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>`;
  const at = xml.indexOf('</edXML:edXMLHeader>');
  if (at < 0) throw new Error('xmlsecSign: no edXMLHeader');
  const dir = mkdtempSync(join(tmpdir(), 'vdx-xmlsec-'));
  try {
    writeFileSync(join(dir, 'in.xml'), `${xml.slice(0, at)}${template}${xml.slice(at)}`);
    writeFileSync(join(dir, 'key.pem'), opts.signer.keyPem);
    const certs = [opts.signer, ...(opts.chain ?? [])];
    certs.forEach((c, i) => writeFileSync(join(dir, `cert${i}.pem`), c.certPem));
    const r = spawnSync('xmlsec1', ['--sign', '--privkey-pem', [join(dir, 'key.pem'), ...certs.map((_, i) => join(dir, `cert${i}.pem`))].join(','), '--id-attr:Id', `${EDXML_NS}:edXMLEnvelope`, '--output', join(dir, 'out.xml'), join(dir, 'in.xml')], { encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`xmlsec1 --sign failed (${r.status ?? r.signal}): ${r.stderr || r.error?.message}`);
    return readFileSync(join(dir, 'out.xml'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
