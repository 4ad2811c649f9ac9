import type { AttachmentSummary, PackageRef } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { documentPackage, parseEdxml, statusPackage } from '@vdx/edxml';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntegrityVerifier } from './integrity-verifier';

const SAMPLES = join(__dirname, '../../../../test-fixtures/edxml/vnpt-sdk-samples');
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

function chunks(bytes: Buffer, size = 1000): AsyncIterable<Uint8Array> {
  return (async function* () {
    for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
  })();
}

/** The input as the gateway would have accepted `body`. */
function acceptedAs(body: Buffer): { ref: PackageRef; attachments: AttachmentSummary[] } {
  const parsed = parseEdxml(body).package;
  return {
    ref: packageRefWith({ packageId: 'p1', kind: parsed.kind, senderCode: '000.00.00.H53', systemId: 's', recipientCodes: ['000.00.00.G22'], bodySha256: sha(body), bodySize: body.length }),
    attachments: parsed.attachments.map((a) => ({ contentId: a.contentId ?? null, name: a.attachmentName ?? null, contentType: a.contentType ?? null, size: a.size, sha256: a.sha256 })),
  };
}

const doc = Buffer.from(
  documentPackage({ from: '000.00.00.H53', to: ['000.00.00.G22'], codeNumber: '1', codeNotation: 'UBND', subject: 'x', attachments: [{ name: 'a.pdf', bytes: Buffer.from('%PDF-1.7 a') }, { name: 'b.pdf', bytes: Buffer.from('%PDF-1.7 b') }] }).xml,
);

describe('IntegrityVerifier', () => {
  const verifier = new IntegrityVerifier();

  it('passes an intact document and says signatures were not verified cryptographically', async () => {
    const verdict = await verifier.verify(acceptedAs(doc), chunks(doc, 333));
    expect(verdict.ok).toBe(true);
    if (!verdict.ok) return;
    expect(verdict.cryptographic).toBe('not-performed');
    expect(verdict.checks.map((c) => [c.name, c.result])).toEqual([
      ['body-hash', 'passed'],
      ['readable', 'passed'],
      ['attachments', 'passed'],
      ['manifest', 'passed'],
      ['signatures', 'not-performed'],
    ]);
  });

  it('passes a reference SDK status sample and a built one', async () => {
    const status = readFileSync(join(SAMPLES, 'status_finish_06.edxml'));
    expect((await verifier.verify(acceptedAs(status), chunks(status))).ok).toBe(true);
    const built = Buffer.from(statusPackage({ from: '000.00.00.G22', documentId: '000.00.00.H53,2026/11/30,1/UBND', documentIssuer: '000.00.00.H53', statusCode: '03' }).xml);
    expect((await verifier.verify(acceptedAs(built), chunks(built))).ok).toBe(true);
  });

  it('fails a body that is not the one accepted', async () => {
    const input = acceptedAs(doc);
    const damaged = Buffer.from(doc);
    damaged[damaged.length - 20] = 0x20;
    expect(await verifier.verify(input, chunks(damaged))).toMatchObject({ ok: false, errorCode: 'SIGNATURE.BODY_HASH_MISMATCH' });
    expect(await verifier.verify(input, chunks(doc.subarray(0, 100)))).toMatchObject({ ok: false, errorCode: 'SIGNATURE.BODY_HASH_MISMATCH' });
  });

  it('fails attachments that do not decode to what was accepted', async () => {
    const input = acceptedAs(doc);
    const tampered = { ...input, attachments: [input.attachments[0]!, { ...input.attachments[1]!, sha256: sha('other') }] };
    expect(await verifier.verify(tampered, chunks(doc))).toMatchObject({ ok: false, errorCode: 'SIGNATURE.ATTACHMENT_MISMATCH' });
  });

  it('fails a manifest that names an attachment that is not there', async () => {
    const xml = doc.toString().replace('cid:att-2</', 'cid:att-9</');
    const body = Buffer.from(xml);
    const verdict = await verifier.verify(acceptedAs(body), chunks(body));
    expect(verdict).toMatchObject({ ok: false, errorCode: 'SIGNATURE.MANIFEST_INCONSISTENT' });
  });

  it('fails an unreadable body, hashing it whole first', async () => {
    const body = Buffer.from('<edXML><unclosed>' + 'x'.repeat(5000));
    const input = acceptedAs(doc);
    const verdict = await verifier.verify({ ...input, ref: { ...input.ref, bodySha256: sha(body), bodySize: body.length } }, chunks(body, 100));
    expect(verdict).toMatchObject({ ok: false, errorCode: 'SIGNATURE.UNREADABLE' });
  });
});
