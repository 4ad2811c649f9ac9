import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseBer, type BerRefusal } from '../asn1/ber-guard';
import { parseCertificate, type ParsedCertificate } from '../cert/certificate';
import { OID } from '../crypto/oids';
import type { ValidationLimits } from '../limits';
import { finding, ReasonCode, type Finding, type FindingTarget } from '../reason-codes';

/** A CMS SignedData read within the limits, with its certificates parsed. */
export interface ParsedSignedData {
  /** The DER of the ContentInfo, without any padding that followed it. */
  readonly der: Uint8Array;
  readonly signedData: pkijs.SignedData;
  readonly signers: readonly pkijs.SignerInfo[];
  readonly certificates: readonly ParsedCertificate[];
  /** Bundled certificates refused by the strict reader (absurd extensions...), and why. */
  readonly rejectedCertificates: readonly { readonly cert: pkijs.Certificate; readonly message: string }[];
  readonly eContentType: string;
  /** The encapsulated content, when the SignedData carries it (a timestamp token does). */
  readonly eContent?: Uint8Array;
}

/** The parsed SignedData with warnings, or the findings that stopped it. */
export type SignedDataResult = { readonly ok: true; readonly value: ParsedSignedData; readonly findings: readonly Finding[] } | { readonly ok: false; readonly findings: readonly Finding[] };

const REFUSAL_CODE: Record<BerRefusal, ReasonCode> = {
  truncated: ReasonCode.CMS_TRUNCATED,
  'too-complex': ReasonCode.CMS_TOO_COMPLEX,
  malformed: ReasonCode.CMS_MALFORMED,
};

/**
 * Reads a ContentInfo holding a SignedData. Refuses, with a code, input over the size limit,
 * BER that is cut short or absurdly nested, anything but SignedData, and more signers or
 * certificates than the limits. Zero bytes after the DER are the padding of a PDF's
 * /Contents; other trailing bytes are reported (`CMS.TRAILING_DATA`) and ignored.
 */
export function parseSignedData(bytes: Uint8Array, limits: ValidationLimits, target: FindingTarget): SignedDataResult {
  // A structure that cannot be read is a format failure: indeterminate (ETSI EN 319 102-1), not invalid.
  const refuse = (code: ReasonCode, message: string): SignedDataResult => ({ ok: false, findings: [finding(code, 'indeterminate', target, message)] });
  // An empty or zero-filled value is a placeholder that was never signed.
  if (bytes.every((b) => b === 0)) return refuse(ReasonCode.CMS_TRUNCATED, 'the signature holds no bytes but zero padding');
  if (bytes.length > limits.maxCmsBytes) return refuse(ReasonCode.CMS_TOO_COMPLEX, `the signature is ${bytes.length} bytes, more than ${limits.maxCmsBytes}`);
  const ber = parseBer(bytes, { maxDepth: limits.maxAsn1Depth, maxElements: limits.maxAsn1Elements });
  if (!ber.ok) return refuse(REFUSAL_CODE[ber.refusal], ber.message);
  const findings: Finding[] = [];
  if (bytes.subarray(ber.end).some((b) => b !== 0)) findings.push(finding(ReasonCode.CMS_TRAILING_DATA, 'warning', target, `${bytes.length - ber.end} bytes after the SignedData are not zero padding`));
  let signedData: pkijs.SignedData;
  try {
    const info = new pkijs.ContentInfo({ schema: ber.value });
    if (info.contentType !== OID.signedData) return refuse(ReasonCode.CMS_MALFORMED, `the ContentInfo holds ${info.contentType}, not SignedData`);
    signedData = new pkijs.SignedData({ schema: info.content });
  } catch (e) {
    return refuse(ReasonCode.CMS_MALFORMED, `not a CMS SignedData: ${e instanceof Error ? e.message : 'unreadable'}`);
  }
  if (signedData.signerInfos.length === 0) return refuse(ReasonCode.CMS_NO_SIGNER, 'the SignedData has no SignerInfo');
  if (signedData.signerInfos.length > limits.maxSignersPerCms) return refuse(ReasonCode.CMS_TOO_COMPLEX, `${signedData.signerInfos.length} signers, more than ${limits.maxSignersPerCms}`);
  const bundled = signedData.certificates ?? [];
  if (bundled.length > limits.maxCertificates) return refuse(ReasonCode.CMS_TOO_COMPLEX, `${bundled.length} certificates, more than ${limits.maxCertificates}`);
  const certificates: ParsedCertificate[] = [];
  const rejectedCertificates: { cert: pkijs.Certificate; message: string }[] = [];
  for (const item of bundled) {
    if (!(item instanceof pkijs.Certificate)) continue; // attribute certificates play no part here
    const der = encodedCertificate(item);
    const parsed = der ? parseCertificate(der, limits) : { ok: false as const, message: 'certificate: cannot be re-encoded' };
    if (parsed.ok) certificates.push(parsed.cert);
    else rejectedCertificates.push({ cert: item, message: parsed.message });
  }
  const eContent = contentOf(signedData.encapContentInfo.eContent);
  return {
    ok: true,
    findings,
    value: {
      der: bytes.subarray(0, ber.end),
      signedData,
      signers: signedData.signerInfos,
      certificates,
      rejectedCertificates,
      eContentType: signedData.encapContentInfo.eContentType,
      ...(eContent ? { eContent } : {}),
    },
  };
}

function encodedCertificate(cert: pkijs.Certificate): Uint8Array | null {
  try {
    // Re-encoding keeps the original TBS bytes (pkijs holds them), so signatures still verify.
    return new Uint8Array(cert.toSchema(false).toBER(false));
  } catch {
    return null;
  }
}

function contentOf(eContent: asn1js.OctetString | undefined): Uint8Array | undefined {
  if (!eContent) return undefined;
  // A constructed (BER) OCTET STRING is its pieces concatenated; getValue joins them.
  return new Uint8Array(eContent.getValue());
}
