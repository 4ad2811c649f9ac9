import fc from 'fast-check';
import type { SigningHierarchy } from '@vdx/pki';
import { byteSourceOf, DEFAULT_LIMITS, readPdfSignatures, ReasonCode, signatureStatus, verifyDetachedCms, verifyPdf, type FileVerdict, type Finding, type VerificationContext } from '@vdx/signature-validator';
import { parseSignedData } from './cms/signed-data';
import { signDetached, type SignOptions } from './testing/cms-builder';
import { sandboxContext, sandboxHierarchy, SIGNED_AT } from './testing/fixtures';
import { minimalPdf, signPdf } from './testing/pdf-builder';

const KNOWN: ReadonlySet<string> = new Set(Object.values(ReasonCode));
const STATUSES = ['valid', 'invalid', 'indeterminate', 'unsigned'];
const latin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

function allFindings(v: FileVerdict): Finding[] {
  return [...v.findings, ...v.signatures.flatMap((s) => s.findings)];
}

/** A verdict is well-formed: known codes only, statuses that follow from the findings. */
function wellFormed(v: FileVerdict): boolean {
  return (
    STATUSES.includes(v.status) &&
    allFindings(v).every((f) => KNOWN.has(f.code) && ['invalid', 'indeterminate', 'warning'].includes(f.effect) && f.message.length > 0) &&
    v.signatures.every((s) => s.status === signatureStatus(s.findings))
  );
}

/** Bytes that look enough like PDF syntax to reach the dictionary parser's corners. */
const pdfSoup = fc
  .array(
    fc.oneof(
      fc.constantFrom('%PDF-1.7\n', '1 0 obj', 'endobj', '<<', '>>', '/Type /Sig', '/ByteRange', '[0 10 20 30]', '[', ']', '/Contents', '<3082>', '<', '>', '(', ')', '\\', '/SubFilter /ETSI.CAdES.detached', ' 0 R', '%%EOF', '\n', ' ', '#', '%'),
      fc.integer({ min: 0, max: 99999 }).map(String),
      fc.string({ maxLength: 8 }),
    ),
    { maxLength: 300 },
  )
  .map((parts) => latin1(parts.join('')));

/** A single-byte change, an insertion, a deletion or a cut at some position. */
const mutation = fc.record({ kind: fc.constantFrom('flip', 'insert', 'delete', 'cut'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });
function mutate(bytes: Uint8Array, m: { kind: string; at: number; byte: number }): { bytes: Uint8Array; at: number } {
  const at = m.at % Math.max(1, bytes.length);
  if (m.kind === 'cut') return { bytes: bytes.subarray(0, at), at };
  if (m.kind === 'delete') return { bytes: new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]), at };
  if (m.kind === 'insert') return { bytes: new Uint8Array([...bytes.subarray(0, at), m.byte, ...bytes.subarray(at)]), at };
  const out = new Uint8Array(bytes);
  out[at] = (out[at] ?? 0) ^ (m.byte === 0 ? 1 : m.byte);
  return { bytes: out, at };
}

describe('fuzzing the readers (fast-check)', () => {
  let h: SigningHierarchy;
  let ctx: VerificationContext;
  let pdf: Uint8Array;
  let p7s: Uint8Array;
  const content = latin1('attachment bytes');

  beforeAll(async () => {
    h = await sandboxHierarchy();
    ctx = sandboxContext(h);
    const by = (signer: SigningHierarchy['personal']): SignOptions => ({ signer, certificates: [signer, h.intermediate], signingTime: SIGNED_AT, timestamp: { tsa: h.tsa, genTime: SIGNED_AT, certificates: [h.tsa, h.intermediate] } });
    pdf = await signPdf(minimalPdf(), { fieldName: 'Personal', contentsSize: 4096 }, (c) => signDetached(c, by(h.personal)));
    pdf = await signPdf(pdf, { fieldName: 'Seal', contentsSize: 4096 }, (c) => signDetached(c, by(h.organisational)));
    p7s = await signDetached(content, by(h.organisational));
  });

  it('the PDF signature reader never throws on random bytes or PDF-like soup', () => {
    const bytes = fc.oneof(fc.uint8Array({ maxLength: 2048 }), fc.uint8Array({ maxLength: 2048 }).map((b) => new Uint8Array([...latin1('%PDF-1.7\n'), ...b])), pdfSoup);
    fc.assert(
      fc.property(bytes, (b) => {
        const scan = readPdfSignatures(byteSourceOf(b), DEFAULT_LIMITS);
        return [...scan.findings, ...scan.signatures.flatMap((s) => s.findings)].every((f) => KNOWN.has(f.code));
      }),
      { numRuns: 500 },
    );
  });

  it('verifyPdf never throws on mutated signed PDFs, and no signature covering a changed byte stays valid', async () => {
    // Each run verifies two signatures and two timestamps: about 40 ms.
    expect((await verifyPdf(pdf, ctx)).status).toBe('valid');
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const mutated = mutate(pdf, m);
        const v = await verifyPdf(mutated.bytes, ctx);
        if (!wellFormed(v)) return false;
        if (m.kind !== 'flip') return v.status !== 'valid' || mutated.at >= pdf.length;
        // A valid signature's range cannot include the flipped byte.
        return v.signatures.every((s) => {
          if (s.status !== 'valid' || !s.pdf?.byteRange) return true;
          const [a, b, c, d] = s.pdf.byteRange;
          return !((mutated.at >= a && mutated.at < a + b) || (mutated.at >= c && mutated.at < c + d));
        });
      }),
      { numRuns: 120 },
    );
  }, 120_000);

  it('the CMS reader never throws on random or mutated input and always codes its refusals', async () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2048 }), mutation.map((m) => mutate(p7s, m).bytes)), (b) => {
        const r = parseSignedData(b, DEFAULT_LIMITS, 'signature');
        return r.ok ? r.value.signers.length > 0 : r.findings.length > 0 && r.findings.every((f) => KNOWN.has(f.code));
      }),
      { numRuns: 500 },
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => wellFormed(await verifyDetachedCms(content, mutate(p7s, m).bytes, ctx))),
      { numRuns: 150 },
    );
  }, 120_000);
});
