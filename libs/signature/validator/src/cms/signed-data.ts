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
  let signed: { encap: pkijs.EncapsulatedContentInfo; signerInfos: asn1js.AsnType[]; bundled: asn1js.AsnType[] };
  try {
    const info = new pkijs.ContentInfo({ schema: ber.value });
    if (info.contentType !== OID.signedData) return refuse(ReasonCode.CMS_MALFORMED, `the ContentInfo holds ${info.contentType}, not SignedData`);
    signed = signedDataFields(info.content);
  } catch (e) {
    return refuse(ReasonCode.CMS_MALFORMED, `not a CMS SignedData: ${e instanceof Error ? e.message : 'unreadable'}`);
  }
  const { encap, bundled } = signed;
  if (signed.signerInfos.length === 0) return refuse(ReasonCode.CMS_NO_SIGNER, 'the SignedData has no SignerInfo');
  if (signed.signerInfos.length > limits.maxSignersPerCms) return refuse(ReasonCode.CMS_TOO_COMPLEX, `${signed.signerInfos.length} signers, more than ${limits.maxSignersPerCms}`);
  let signers: pkijs.SignerInfo[];
  try {
    signers = signed.signerInfos.map((schema) => new pkijs.SignerInfo({ schema }));
  } catch (e) {
    return refuse(ReasonCode.CMS_MALFORMED, `not a CMS SignedData: ${e instanceof Error ? e.message : 'unreadable'}`);
  }
  if (bundled.length > limits.maxCertificates) return refuse(ReasonCode.CMS_TOO_COMPLEX, `${bundled.length} certificates, more than ${limits.maxCertificates}`);
  const certificates: ParsedCertificate[] = [];
  const rejectedCertificates: { cert: pkijs.Certificate; message: string }[] = [];
  for (const item of bundled) {
    // Only X.509 certificates (a SEQUENCE); attribute certificates ([1], [2]...) play no part here.
    if (!(item instanceof asn1js.Sequence)) continue;
    const der = item.valueBeforeDecodeView;
    const parsed = parseCertificate(der, limits);
    if (parsed.ok) {
      certificates.push(parsed.cert);
      continue;
    }
    try {
      rejectedCertificates.push({ cert: new pkijs.Certificate({ schema: item }), message: parsed.message });
    } catch (e) {
      return refuse(ReasonCode.CMS_MALFORMED, `not a CMS SignedData: ${e instanceof Error ? e.message : 'unreadable'}`);
    }
  }
  const eContent = contentOf(encap.eContent);
  return {
    ok: true,
    findings,
    value: {
      der: bytes.subarray(0, ber.end),
      signers,
      certificates,
      rejectedCertificates,
      eContentType: encap.eContentType,
      ...(eContent ? { eContent } : {}),
    },
  };
}

/**
 * The fields of a SignedData (RFC 5652 §5.1): version, digestAlgorithms, encapContentInfo, the
 * optional `certificates [0]` and `crls [1]`, signerInfos. Read from the parsed ASN.1 directly,
 * pkijs only for the encapsulated content info (and, by the caller, each SignerInfo): pkijs's
 * SignedData schema, rebuilt for every parse, cost more than the rest of a verification. The
 * certificates stay as parsed elements (each keeps the bytes it was read from) for the strict,
 * caching certificate reader.
 */
function signedDataFields(content: unknown): { encap: pkijs.EncapsulatedContentInfo; signerInfos: asn1js.AsnType[]; bundled: asn1js.AsnType[] } {
  if (!(content instanceof asn1js.Sequence)) throw new Error('the content is not a SEQUENCE');
  const fields = content.valueBlock.value;
  const [version, digestAlgorithms, encapContentInfo] = fields;
  const signerInfos = fields[fields.length - 1];
  if (!(version instanceof asn1js.Integer) || !(digestAlgorithms instanceof asn1js.Set) || !(encapContentInfo instanceof asn1js.Sequence) || !(signerInfos instanceof asn1js.Set) || fields.length < 4) {
    throw new Error('not version, digestAlgorithms, encapContentInfo, …, signerInfos');
  }
  const optional = fields.slice(3, -1);
  const tagged = (f: asn1js.AsnType | undefined, n: number): boolean => f !== undefined && f.idBlock.tagClass === 3 && f.idBlock.tagNumber === n && f instanceof asn1js.Constructed;
  const certificates = tagged(optional[0], 0) ? (optional.shift() as asn1js.Constructed) : undefined;
  if (tagged(optional[0], 1)) optional.shift();
  if (optional.length > 0) throw new Error('unexpected fields between encapContentInfo and signerInfos');
  return {
    encap: new pkijs.EncapsulatedContentInfo({ schema: encapContentInfo }),
    signerInfos: [...signerInfos.valueBlock.value],
    bundled: certificates ? [...certificates.valueBlock.value] : [],
  };
}

function contentOf(eContent: asn1js.OctetString | undefined): Uint8Array | undefined {
  if (!eContent) return undefined;
  // A constructed (BER) OCTET STRING is its pieces concatenated; getValue joins them.
  return new Uint8Array(eContent.getValue());
}
