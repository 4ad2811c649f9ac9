import { byteSourceOf, prefixDigester, type ByteSource, type DigestName } from '../bytes';
import type { VerificationContext } from '../context';
import { limitsOf } from '../limits';
import { decodeContents } from '../pdf/contents';
import { readPdfSignatures, type PdfSignatureDictionary } from '../pdf/pdf-signatures';
import { worstEffect, type Finding } from '../reason-codes';
import { fileVerdict, signatureStatus } from '../verdict/aggregate';
import type { FileVerdict, PdfSignaturePlace, SignatureVerdict } from '../verdict/verdict';
import { internalError, verifySignedData } from './verify-signed-data';

/**
 * Verifies every signature of a PDF (PAdES / ISO 32000 CMS signatures, incremental updates
 * included): the byte ranges, then each CMS SignedData over the bytes its range covers, its
 * timestamp, certification path, revocation and Decree 30 kind. Never throws; a hostile file
 * gets coded findings. `name` is kept in the verdict (the attachment's file name).
 */
export async function verifyPdf(pdf: Uint8Array | ByteSource, ctx: VerificationContext, name?: string): Promise<FileVerdict> {
  const source = pdf instanceof Uint8Array ? byteSourceOf(pdf) : pdf;
  const limits = limitsOf(ctx.limits);
  try {
    const scan = readPdfSignatures(source, limits);
    const signatures: SignatureVerdict[] = [];
    const digests = prefixDigester(source);
    for (const dict of scan.signatures) signatures.push(...(await verifyDictionary(source, dict, ctx, digests)));
    return fileVerdict(signatures, scan.findings, name);
  } catch (e) {
    return fileVerdict([], [{ ...internalError(e), target: 'file' }], name);
  }
}

async function verifyDictionary(source: ByteSource, dict: PdfSignatureDictionary, ctx: VerificationContext, digests: (name: DigestName, ranges: readonly (readonly [number, number])[]) => Uint8Array): Promise<SignatureVerdict[]> {
  const place: PdfSignaturePlace = {
    index: dict.index,
    ...(dict.byteRange ? { byteRange: dict.byteRange } : {}),
    ...(dict.subFilter ? { subFilter: dict.subFilter } : {}),
    coversWholeFile: dict.coversWholeFile,
    ...(dict.claimedTime ? { claimedTime: dict.claimedTime } : {}),
  };
  const unverifiable = (findings: readonly Finding[]): SignatureVerdict[] => [
    { status: signatureStatus(findings), findings, kind: 'unknown', chain: [], checkedAt: { time: ctx.now, source: 'none' }, pdf: place, evidence: { signature: new Uint8Array(0), certificates: [], revocation: [], validatedAt: ctx.now } },
  ];
  // A structural failure means the bytes to hash are not known; there is nothing to verify.
  if (worstEffect(dict.findings) !== null || !dict.byteRange || !dict.contents) return unverifiable(dict.findings);
  const decoded = decodeContents(source, dict.contents, limitsOf(ctx.limits));
  if (!decoded.ok) return unverifiable([...dict.findings, decoded.finding]);
  const [a, b, c, d] = dict.byteRange;
  const ranges = [[a, b], [c, d]] as const;
  return verifySignedData(decoded.bytes, { digest: (hash) => digests(hash, ranges) }, ctx, { requireSignedAttributes: true, pdf: place, outerFindings: dict.findings });
}
