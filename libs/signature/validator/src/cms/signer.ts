import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { digest, equalBytes, type DigestName } from '../bytes';
import { distinguishedName, sameName, type ParsedCertificate } from '../cert/certificate';
import { digestOfOid, signatureScheme, type SignatureScheme } from '../crypto/algorithms';
import { OID } from '../crypto/oids';
import { verifySignature } from '../crypto/verify-signature';
import { finding, ReasonCode, type Finding, type FindingTarget } from '../reason-codes';
import type { ParsedSignedData } from './signed-data';

/** The signed content, as a digest on demand (a PDF's byte ranges are hashed, not held). */
export interface SignedContent {
  digest(name: DigestName): Uint8Array;
  /** The content itself, when in memory: only a SignerInfo without signed attributes needs it. */
  readonly bytes?: Uint8Array;
}

/** What {@link checkSigner} is given. */
export interface SignerCheckInput {
  readonly cms: ParsedSignedData;
  readonly signer: pkijs.SignerInfo;
  readonly content: SignedContent;
  /** PAdES and RFC 3161 require signed attributes; a bare CMS may omit them. */
  readonly requireSignedAttributes: boolean;
  readonly target: FindingTarget;
}

/** What the signer check established, and the findings on the way. */
export interface SignerCheckResult {
  readonly findings: readonly Finding[];
  readonly signerCertificate?: ParsedCertificate;
  readonly digestAlgorithm?: DigestName;
  readonly scheme?: SignatureScheme;
  /** The signingTime signed attribute: what the signer claims, proven by nothing. */
  readonly claimedSigningTime?: Date;
  /** The signature value, what a signature timestamp's message imprint covers. */
  readonly signatureValue: Uint8Array;
  /** The signature verified over the signed attributes (or content) with the signer's key. */
  readonly signatureVerified: boolean;
}

/**
 * Verifies one SignerInfo: finds the signer's certificate among the bundled ones, checks the
 * contentType and messageDigest signed attributes against the content, the ESS
 * signing-certificate binding when present, and the signature with the certificate's key.
 */
export async function checkSigner(input: SignerCheckInput): Promise<SignerCheckResult> {
  const { signer, cms, target } = input;
  const findings: Finding[] = [];
  const signatureValue = signer.signature.valueBlock.valueHexView;
  const base = { signatureValue, signatureVerified: false };
  const cert = signerCertificate(signer, cms.certificates);
  if (!cert) {
    const rejected = cms.rejectedCertificates.find((r) => namesSigner(signer, r.cert));
    if (rejected) return { ...base, findings: [finding(ReasonCode.CERT_MALFORMED, 'indeterminate', 'signer', `the signer's certificate is refused: ${rejected.message}`)] };
    return { ...base, findings: [finding(ReasonCode.CMS_SIGNER_CERT_MISSING, 'indeterminate', target, "the signer's certificate is not in the SignedData")] };
  }
  const digestAlgorithm = digestOfOid(signer.digestAlgorithm.algorithmId);
  if (!digestAlgorithm) {
    return { ...base, signerCertificate: cert, findings: [finding(ReasonCode.SIGNATURE_UNSUPPORTED_ALGORITHM, 'indeterminate', target, `unsupported digest algorithm ${signer.digestAlgorithm.algorithmId}`)] };
  }
  if (digestAlgorithm === 'SHA-1') findings.push(finding(ReasonCode.SIGNATURE_WEAK_DIGEST, 'warning', target, 'the content digest is SHA-1'));
  const contentDigest = input.content.digest(digestAlgorithm);

  let signedBytes: Uint8Array | undefined;
  let claimedSigningTime: Date | undefined;
  if (signer.signedAttrs) {
    const attrs = attributeMap(signer.signedAttrs.attributes);
    if (!attrs) return { ...base, signerCertificate: cert, digestAlgorithm, findings: [...findings, finding(ReasonCode.CMS_MALFORMED, 'indeterminate', target, 'a signed attribute appears twice or holds several values')] };
    const contentType = attrs.get(OID.contentType);
    const messageDigest = attrs.get(OID.messageDigest);
    if (!(contentType instanceof asn1js.ObjectIdentifier) || !(messageDigest instanceof asn1js.OctetString)) {
      return { ...base, signerCertificate: cert, digestAlgorithm, findings: [...findings, finding(ReasonCode.CMS_MISSING_SIGNED_ATTRIBUTE, 'invalid', target, 'contentType and messageDigest signed attributes are required')] };
    }
    if (contentType.valueBlock.toString() !== cms.eContentType) {
      findings.push(finding(ReasonCode.CMS_CONTENT_TYPE_MISMATCH, 'invalid', target, `the contentType attribute ${contentType.valueBlock.toString()} is not the encapsulated ${cms.eContentType}`));
    }
    if (!equalBytes(messageDigest.valueBlock.valueHexView, contentDigest)) {
      findings.push(finding(ReasonCode.SIGNATURE_DIGEST_MISMATCH, 'invalid', target, `the ${digestAlgorithm} of the signed content does not match the messageDigest attribute`));
    }
    claimedSigningTime = timeOf(attrs.get(OID.signingTime));
    findings.push(...essBindingFindings(attrs, cert, target));
    signedBytes = new Uint8Array(signer.signedAttrs.encodedValue);
  } else if (input.requireSignedAttributes) {
    return { ...base, signerCertificate: cert, digestAlgorithm, findings: [...findings, finding(ReasonCode.CMS_MISSING_SIGNED_ATTRIBUTE, 'invalid', target, 'this signature format requires signed attributes')] };
  } else if (!input.content.bytes) {
    return { ...base, signerCertificate: cert, digestAlgorithm, findings: [...findings, finding(ReasonCode.CMS_MISSING_SIGNED_ATTRIBUTE, 'indeterminate', target, 'without signed attributes the content itself is needed')] };
  } else {
    signedBytes = input.content.bytes;
  }

  const scheme = signatureScheme(signer.signatureAlgorithm, digestAlgorithm);
  if (!scheme.ok) return { ...base, signerCertificate: cert, digestAlgorithm, findings: [...findings, finding(ReasonCode.SIGNATURE_UNSUPPORTED_ALGORITHM, 'indeterminate', target, scheme.message)] };
  if (scheme.scheme.hash === 'SHA-1' && digestAlgorithm !== 'SHA-1') findings.push(finding(ReasonCode.SIGNATURE_WEAK_DIGEST, 'warning', target, 'the signature uses SHA-1'));
  const check = await verifySignature(cert.publicKey, scheme.scheme, signedBytes, signatureValue);
  if (!check.ok) {
    const code = check.reason === 'invalid' ? ReasonCode.SIGNATURE_VERIFICATION_FAILED : ReasonCode.SIGNATURE_UNSUPPORTED_ALGORITHM;
    findings.push(finding(code, check.reason === 'invalid' ? 'invalid' : 'indeterminate', target, check.message, cert.subject.text));
  } else if (scheme.scheme.kind !== 'ECDSA' && check.keyBits < 2048) {
    findings.push(finding(ReasonCode.SIGNATURE_WEAK_KEY, 'warning', target, `an RSA key of ${check.keyBits} bits`, cert.subject.text));
  }
  return {
    findings,
    signerCertificate: cert,
    digestAlgorithm,
    scheme: scheme.scheme,
    ...(claimedSigningTime ? { claimedSigningTime } : {}),
    signatureValue,
    signatureVerified: check.ok,
  };
}

/** The certificate the SignerInfo names, by issuer and serial number or by key identifier. */
function signerCertificate(signer: pkijs.SignerInfo, certificates: readonly ParsedCertificate[]): ParsedCertificate | undefined {
  const sid: unknown = signer.sid;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    const serial = stripZeros(sid.serialNumber.valueBlock.valueHexView);
    const issuer = distinguishedName(sid.issuer);
    return issuer ? certificates.find((c) => stripZeros(Buffer.from(c.serialNumber, 'hex')).equals(serial) && sameName(c.issuer, issuer)) : undefined;
  }
  const keyId = sid instanceof asn1js.Constructed ? (sid.valueBlock.value[0] instanceof asn1js.OctetString ? sid.valueBlock.value[0].valueBlock.valueHexView : undefined) : sid instanceof asn1js.Primitive ? sid.valueBlock.valueHexView : undefined;
  return keyId ? certificates.find((c) => c.subjectKeyId !== undefined && equalBytes(c.subjectKeyId, keyId)) : undefined;
}

/** Whether the SignerInfo names this (raw pkijs) certificate by issuer and serial number. */
function namesSigner(signer: pkijs.SignerInfo, cert: pkijs.Certificate): boolean {
  const sid: unknown = signer.sid;
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) return false;
  try {
    return stripZeros(sid.serialNumber.valueBlock.valueHexView).equals(stripZeros(cert.serialNumber.valueBlock.valueHexView)) && sid.issuer.isEqual(cert.issuer);
  } catch {
    return false;
  }
}

function stripZeros(bytes: Uint8Array): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return Buffer.from(bytes.subarray(i));
}

/** Attribute type → its single value; null when an attribute repeats or has several values. */
function attributeMap(attributes: readonly pkijs.Attribute[]): Map<string, unknown> | null {
  const map = new Map<string, unknown>();
  for (const attr of attributes) {
    const values: unknown[] = attr.values;
    if (map.has(attr.type) || values.length !== 1) return null;
    map.set(attr.type, values[0]);
  }
  return map;
}

/** The signingTime attribute value (UTCTime or GeneralizedTime), when readable. */
export function timeOf(value: unknown): Date | undefined {
  if (value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime) {
    const date = value.toDate();
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/**
 * RFC 5035 / RFC 2634 signing-certificate attributes bind the signature to one certificate,
 * so a different certificate with the same key cannot be substituted. Checked when present.
 */
function essBindingFindings(attrs: Map<string, unknown>, cert: ParsedCertificate, target: FindingTarget): Finding[] {
  const v2 = attrs.get(OID.signingCertificateV2);
  const v1 = attrs.get(OID.signingCertificate);
  const value = v2 ?? v1;
  if (value === undefined) return [];
  const first = value instanceof asn1js.Sequence ? value.valueBlock.value[0] : undefined;
  const essCertId = first instanceof asn1js.Sequence ? first.valueBlock.value[0] : undefined;
  if (!(essCertId instanceof asn1js.Sequence)) return [finding(ReasonCode.CMS_MALFORMED, 'indeterminate', target, 'unreadable signing-certificate attribute')];
  let hash: DigestName | null = v2 !== undefined ? 'SHA-256' : 'SHA-1';
  let certHash: asn1js.AsnType | undefined = essCertId.valueBlock.value[0];
  if (v2 !== undefined && certHash instanceof asn1js.Sequence) {
    try {
      hash = digestOfOid(new pkijs.AlgorithmIdentifier({ schema: certHash }).algorithmId);
    } catch {
      hash = null;
    }
    certHash = essCertId.valueBlock.value[1];
  }
  if (!hash || !(certHash instanceof asn1js.OctetString)) return [finding(ReasonCode.CMS_MALFORMED, 'indeterminate', target, 'unreadable or unsupported signing-certificate attribute')];
  if (equalBytes(certHash.valueBlock.valueHexView, digest(hash, cert.der))) return [];
  return [finding(ReasonCode.CMS_SIGNING_CERTIFICATE_MISMATCH, 'invalid', target, 'the signing-certificate attribute names another certificate', cert.subject.text)];
}

/** The DER of an asn1js value as it was read (not re-encoded). */
export function originalBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof asn1js.BaseBlock) {
    const view = value.valueBeforeDecodeView;
    return view.length > 0 ? view : new Uint8Array(value.toBER(false));
  }
  return undefined;
}
