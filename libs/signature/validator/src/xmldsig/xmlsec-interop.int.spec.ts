import { documentPackage } from '@vdx/edxml';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SigningHierarchy } from '@vdx/pki';
import { DEFAULT_LIMITS, ReasonCode, StreamedXmlSignature, verifyXmlSignature, type FileVerdict, type VerificationContext } from '@vdx/signature-validator';
import { sandboxContext, sandboxHierarchy } from '../testing/fixtures';
import { C14N10_URI, C14N11_URI, EXC_C14N_URI, xmlsecSign, xmlsecVersion, type XmlsecSignOptions } from '../testing/xmlsec';

// Signatures made by xmlsec1 (libxmlsec1 over libxml2), which implements Canonical XML 1.0 and
// 1.1 as their specifications say, including the xml:* attributes the apex of a document subset
// takes from its ancestors: the verifier must reproduce its octets exactly.
const PATHS = { signaturePath: ['edXML', 'edXMLEnvelope', 'edXMLHeader', 'Signature'], signedElementPath: ['edXML', 'edXMLEnvelope'] };
const codes = (v: FileVerdict): string[] => [...new Set([...v.findings, ...v.signatures.flatMap((s) => s.findings)].filter((f) => f.effect !== 'warning').map((f) => f.code))].sort();

const plain = documentPackage({ from: '000.00.00.H53', to: ['000.00.00.G22'], codeNumber: '7', codeNotation: 'UBND-VP', subject: 'Giấy mời họp', attachments: [{ name: 'giay-moi.pdf', bytes: Buffer.from('%PDF-1.7 giay moi') }] }).xml;
/** The same package with xml:* attributes on the root (inherited by every subset) and a relative xml:base on the envelope. */
const withXmlAttributes = plain
  .replace('<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">', '<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016" xml:lang="vi" xml:space="default" xml:base="https://vpcp.example.vn/van-ban/" xml:id="goc">')
  .replace('<edXML:edXMLEnvelope>', '<edXML:edXMLEnvelope Id="env-1" xml:base="2026/12/">');
const withId = plain.replace('<edXML:edXMLEnvelope>', '<edXML:edXMLEnvelope Id="env-1">');

describe('verifyXmlSignature against signatures made by xmlsec1', () => {
  let h: SigningHierarchy;
  let ctx: VerificationContext;
  const sign = (xml: string, opts: Pick<XmlsecSignOptions, 'canonicalization' | 'reference'>): string => xmlsecSign(xml, { signer: h.organisational, chain: [h.intermediate], ...opts });
  const verify = (xml: string): Promise<FileVerdict> => verifyXmlSignature(new Uint8Array(Buffer.from(xml, 'utf8')), ctx, PATHS, 'edXML');

  beforeAll(async () => {
    expect(xmlsecVersion()).toMatch(/^xmlsec1 1\.\d+/);
    h = await sandboxHierarchy();
    ctx = sandboxContext(h);
  });

  it.each([
    ['Canonical XML 1.1', C14N11_URI],
    ['Canonical XML 1.0', C14N10_URI],
    ['exclusive C14N', EXC_C14N_URI],
  ])('verifies a signature over the whole document with %s', async (_, canonicalization) => {
    const v = await verify(sign(withXmlAttributes, { canonicalization, reference: 'document' }));
    expect([v.status, codes(v)]).toEqual(['valid', []]);
    expect(v.signatures[0]?.xmlDsig).toMatchObject({ canonicalization, references: [{ uri: '', covers: 'document' }] });
  });

  it.each([
    // The envelope takes xml:lang and xml:space from the root, never xml:id, and its xml:base
    // becomes https://vpcp.example.vn/van-ban/2026/12/; SignedInfo takes the root's xml:lang,
    // xml:space and xml:base.
    ['Canonical XML 1.1', C14N11_URI],
    // The envelope takes every xml:* attribute of the root it lacks (xml:id too, its own xml:base kept).
    ['Canonical XML 1.0', C14N10_URI],
    ['exclusive C14N', EXC_C14N_URI],
  ])('verifies a reference to the envelope by its Id with %s, the root carrying xml:* attributes', async (_, canonicalization) => {
    const v = await verify(sign(withXmlAttributes, { canonicalization, reference: 'envelope' }));
    expect([v.status, codes(v)]).toEqual(['valid', []]);
    expect(v.signatures[0]?.xmlDsig?.references.map((r) => [r.uri, r.covers])).toEqual([['#env-1', 'signed-element']]);
  });

  it('verifies Canonical XML 1.1 without xml:* attributes, where it renders as 1.0 does', async () => {
    expect((await verify(sign(withId, { canonicalization: C14N11_URI, reference: 'envelope' }))).status).toBe('valid');
  });

  it('fails a Canonical XML 1.1 signature whose inherited attributes changed: another xml:lang, another xml:base', async () => {
    const signed = sign(withXmlAttributes, { canonicalization: C14N11_URI, reference: 'envelope' });
    const lang = await verify(signed.replace('xml:lang="vi"', 'xml:lang="en"'));
    // SignedInfo inherits it too: its signature fails as well as the reference's digest.
    expect([lang.status, codes(lang)]).toEqual(['invalid', [ReasonCode.SIGNATURE_DIGEST_MISMATCH, ReasonCode.SIGNATURE_VERIFICATION_FAILED]]);
    // SignedInfo is inside the envelope: its fixed-up xml:base changes too.
    const base = await verify(signed.replace('xml:base="2026/12/"', 'xml:base="2026/11/"'));
    expect([base.status, codes(base)]).toEqual(['invalid', [ReasonCode.SIGNATURE_DIGEST_MISMATCH, ReasonCode.SIGNATURE_VERIFICATION_FAILED]]);
    // xml:id is not inherited in 1.1: the root's changes nothing the envelope or SignedInfo render.
    const id = await verify(signed.replace('xml:id="goc"', 'xml:id="khac"'));
    expect([id.status, codes(id)]).toEqual(['valid', []]);
  });

  it('verifies a 40 MiB package as it streams, above the 32 MiB a DOM holds, with bounded heap growth', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vdx-large-xml-'));
    try {
      const file = join(dir, 'signed.edxml');
      {
        // 30 MiB of attachment: 40 MiB of base64 in the package.
        const attachment = Buffer.alloc(30 * 1024 * 1024, 'phụ lục dữ liệu ');
        const xml = documentPackage({ from: '000.00.00.H53', to: ['000.00.00.G22'], codeNumber: '8', codeNotation: 'UBND-VP', subject: 'Hồ sơ lớn', attachments: [{ name: 'ho-so.pdf', bytes: attachment }] }).xml;
        writeFileSync(file, sign(xml.replace('<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">', '<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016" xml:lang="vi">'), { canonicalization: C14N11_URI, reference: 'document' }));
      }
      const verifyFile = async (path: string) => {
        const streamed = new StreamedXmlSignature(PATHS);
        const before = process.memoryUsage().heapUsed;
        let peak = before;
        let size = 0;
        for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
          streamed.write(chunk as Buffer);
          size += (chunk as Buffer).length;
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        }
        return { verdict: await streamed.finish(ctx, 'edXML'), size, growth: peak - before };
      };
      const { verdict, size, growth } = await verifyFile(file);
      expect(size).toBeGreaterThan(DEFAULT_LIMITS.maxXmlBytes);
      expect([verdict.status, codes(verdict)]).toEqual(['valid', []]);
      expect(growth).toBeLessThan(64 * 1024 * 1024);
      // One byte of the attachment changed: the streamed digest no longer matches.
      const changed = join(dir, 'changed.edxml');
      const bytes = readFileSync(file);
      const at = bytes.indexOf('cGjhu6Ug', bytes.indexOf('ho-so.pdf'));
      expect(at).toBeGreaterThan(0);
      bytes[at + 7] = 'h'.charCodeAt(0);
      writeFileSync(changed, bytes);
      const tampered = await verifyFile(changed);
      expect([tampered.verdict.status, codes(tampered.verdict)]).toEqual(['invalid', [ReasonCode.SIGNATURE_DIGEST_MISMATCH]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
