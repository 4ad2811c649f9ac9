import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { createHash } from 'node:crypto';
import { digest, equalBytes, toArrayBuffer, toHex } from '../bytes';
import { parseBer } from '../asn1/ber-guard';
import { OID } from '../crypto/oids';
import type { ValidationLimits } from '../limits';

/** RFC 5280 §4.2.1.3 key usage bits, by name. */
export type KeyUsage = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement' | 'keyCertSign' | 'cRLSign' | 'encipherOnly' | 'decipherOnly';
const KEY_USAGE_BITS: readonly KeyUsage[] = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

/** One attribute of a distinguished name. */
export interface NameAttribute {
  /** Dotted OID. */
  readonly type: string;
  /** Short name (`CN`, `O`...) when it has one. */
  readonly name?: string;
  readonly value: string;
}

/** A distinguished name: its attributes in encoding order and a one-line text form. */
export interface DistinguishedName {
  readonly attributes: readonly NameAttribute[];
  readonly text: string;
  readonly der: Uint8Array;
}

/** What the checks need of a certificate, read once and strictly. */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** SHA-256 of the DER, lower-case hex. */
  readonly fingerprint: string;
  readonly serialNumber: string;
  readonly subject: DistinguishedName;
  readonly issuer: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: pkijs.PublicKeyInfo;
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: pkijs.AlgorithmIdentifier;
  readonly signatureValue: Uint8Array;
  readonly isCa: boolean;
  /** basicConstraints pathLenConstraint; undefined when absent (unlimited). */
  readonly pathLength?: number;
  /** null when the certificate has no keyUsage extension (any usage, RFC 5280). */
  readonly keyUsage: ReadonlySet<KeyUsage> | null;
  readonly extendedKeyUsage: { readonly usages: readonly string[]; readonly critical: boolean } | null;
  readonly policies: readonly string[];
  readonly subjectKeyId?: Uint8Array;
  readonly authorityKeyId?: Uint8Array;
  /** Critical extensions this validator does not process (RFC 5280: must reject). */
  readonly unknownCriticalExtensions: readonly string[];
  readonly ocspNoCheck: boolean;
}

/** A parsed certificate, or why it was refused. */
export type CertificateResult = { readonly ok: true; readonly cert: ParsedCertificate } | { readonly ok: false; readonly message: string };

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.42': 'GN',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

/** Extensions the validator understands or may safely ignore even when critical. */
const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.subjectKeyIdentifier,
  OID.keyUsage,
  OID.privateKeyUsagePeriod,
  OID.subjectAltName,
  OID.issuerAltName,
  OID.basicConstraints,
  OID.crlDistributionPoints,
  OID.certificatePolicies,
  OID.authorityKeyIdentifier,
  OID.extKeyUsage,
  OID.freshestCrl,
  OID.subjectDirectoryAttributes,
  OID.authorityInfoAccess,
  OID.qcStatements,
  OID.ocspNoCheck,
]);

const MAX_NAME_ATTRIBUTES = 64;
const MAX_ATTRIBUTE_CHARS = 4096;
const MAX_LIST_ITEMS = 64;

class Refused extends Error {}

/**
 * Reads a DER certificate within the limits. Known extensions are parsed strictly (a
 * malformed keyUsage is a refusal, not silently "no key usage"); nothing here throws.
 */
export function parseCertificate(der: Uint8Array, limits: ValidationLimits): CertificateResult {
  // The same signers, intermediates and roots come back in package after package: a certificate
  // is read strictly once per process (per limits), then answered from a bounded cache.
  const key = `${limitsKey(limits)}:${createHash('sha256').update(der).digest('base64')}`;
  const cached = CACHE.get(key);
  if (cached) {
    CACHE.delete(key);
    CACHE.set(key, cached);
    return cached;
  }
  // A copy: the cache must not keep alive the larger buffer `der` may be a view of.
  const result = parseCertificateUncached(new Uint8Array(der), limits);
  CACHE.set(key, result);
  if (CACHE.size > CACHE_ENTRIES) CACHE.delete(CACHE.keys().next().value as string);
  return result;
}

const CACHE_ENTRIES = 1024;
const CACHE = new Map<string, CertificateResult>();
const limitsKeys = new WeakMap<ValidationLimits, string>();
function limitsKey(limits: ValidationLimits): string {
  let k = limitsKeys.get(limits);
  if (k === undefined) {
    k = `${limits.maxAsn1Depth}/${limits.maxAsn1Elements}/${limits.maxExtensionsPerCertificate}`;
    limitsKeys.set(limits, k);
  }
  return k;
}

function parseCertificateUncached(der: Uint8Array, limits: ValidationLimits): CertificateResult {
  const ber = parseBer(der, { maxDepth: limits.maxAsn1Depth, maxElements: limits.maxAsn1Elements });
  if (!ber.ok) return { ok: false, message: `certificate: ${ber.message}` };
  if (ber.end !== der.length) return { ok: false, message: 'certificate: bytes after the DER' };
  try {
    const cert = new pkijs.Certificate({ schema: ber.value });
    return { ok: true, cert: describe(der, cert, limits) };
  } catch (e) {
    return { ok: false, message: `certificate: ${e instanceof Error ? e.message : 'unreadable'}` };
  }
}

function describe(der: Uint8Array, cert: pkijs.Certificate, limits: ValidationLimits): ParsedCertificate {
  const extensions = cert.extensions ?? [];
  if (extensions.length > limits.maxExtensionsPerCertificate) throw new Refused(`${extensions.length} extensions, more than ${limits.maxExtensionsPerCertificate}`);
  const seen = new Set<string>();
  let isCa = false;
  let pathLength: number | undefined;
  let keyUsage: Set<KeyUsage> | null = null;
  let extendedKeyUsage: ParsedCertificate['extendedKeyUsage'] = null;
  let policies: string[] = [];
  let subjectKeyId: Uint8Array | undefined;
  let authorityKeyId: Uint8Array | undefined;
  let ocspNoCheck = false;
  const unknownCriticalExtensions: string[] = [];
  for (const ext of extensions) {
    if (seen.has(ext.extnID)) throw new Refused(`extension ${ext.extnID} appears twice`);
    seen.add(ext.extnID);
    const value = ext.extnValue.valueBlock.valueHexView;
    switch (ext.extnID) {
      case OID.basicConstraints:
        ({ isCa, pathLength } = basicConstraints(value));
        break;
      case OID.keyUsage:
        keyUsage = keyUsageOf(value);
        break;
      case OID.extKeyUsage:
        extendedKeyUsage = { usages: oidList(value, (item) => item), critical: ext.critical };
        break;
      case OID.certificatePolicies:
        policies = oidList(value, (item) => (item instanceof asn1js.Sequence ? item.valueBlock.value[0] : undefined));
        break;
      case OID.subjectKeyIdentifier:
        subjectKeyId = octets(value);
        break;
      case OID.authorityKeyIdentifier:
        authorityKeyId = authorityKeyIdOf(value);
        break;
      case OID.ocspNoCheck:
        ocspNoCheck = true;
        break;
      default:
        if (ext.critical && !KNOWN_EXTENSIONS.has(ext.extnID)) unknownCriticalExtensions.push(ext.extnID);
    }
  }
  const notBefore = cert.notBefore.value;
  const notAfter = cert.notAfter.value;
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) throw new Refused('unreadable validity dates');
  return {
    der,
    fingerprint: toHex(digest('SHA-256', der)),
    serialNumber: toHex(cert.serialNumber.valueBlock.valueHexView),
    subject: nameOf(cert.subject),
    issuer: nameOf(cert.issuer),
    notBefore,
    notAfter,
    publicKey: cert.subjectPublicKeyInfo,
    tbs: cert.tbsView,
    signatureAlgorithm: cert.signatureAlgorithm,
    signatureValue: cert.signatureValue.valueBlock.valueHexView,
    isCa,
    ...(pathLength === undefined ? {} : { pathLength }),
    keyUsage,
    extendedKeyUsage,
    policies,
    ...(subjectKeyId ? { subjectKeyId } : {}),
    ...(authorityKeyId ? { authorityKeyId } : {}),
    unknownCriticalExtensions,
    ocspNoCheck,
  };
}

function strict(value: Uint8Array): asn1js.AsnType {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(toArrayBuffer(value), { maxDepth: 8, maxNodes: 4 * MAX_LIST_ITEMS + 8 });
  } catch {
    throw new Refused('an extension value is not readable DER');
  }
  if (parsed.offset !== value.length) throw new Refused('an extension value is not one DER element');
  return parsed.result;
}

function basicConstraints(value: Uint8Array): { isCa: boolean; pathLength: number | undefined } {
  const seq = strict(value);
  if (!(seq instanceof asn1js.Sequence)) throw new Refused('basicConstraints is not a SEQUENCE');
  let isCa = false;
  let pathLength: number | undefined;
  for (const item of seq.valueBlock.value) {
    if (item instanceof asn1js.Boolean) isCa = item.valueBlock.value;
    else if (item instanceof asn1js.Integer) {
      const bytes = item.valueBlock.valueHexView;
      if (bytes.length === 0 || (bytes[0] ?? 0) & 0x80) throw new Refused('basicConstraints pathLenConstraint is negative');
      // A path length beyond any real path is as good as none.
      pathLength = bytes.length > 2 ? undefined : item.valueBlock.valueDec;
    } else throw new Refused('basicConstraints holds an unexpected element');
  }
  return { isCa, pathLength };
}

function keyUsageOf(value: Uint8Array): Set<KeyUsage> {
  const bits = strict(value);
  if (!(bits instanceof asn1js.BitString)) throw new Refused('keyUsage is not a BIT STRING');
  const bytes = bits.valueBlock.valueHexView;
  if (bytes.length > 2) throw new Refused('keyUsage longer than nine bits');
  const usages = new Set<KeyUsage>();
  KEY_USAGE_BITS.forEach((name, i) => {
    if (((bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0) usages.add(name);
  });
  return usages;
}

function oidList(value: Uint8Array, pick: (item: asn1js.AsnType) => asn1js.AsnType | undefined): string[] {
  const seq = strict(value);
  if (!(seq instanceof asn1js.Sequence)) throw new Refused('an OID list extension is not a SEQUENCE');
  if (seq.valueBlock.value.length > MAX_LIST_ITEMS) throw new Refused(`an extension lists more than ${MAX_LIST_ITEMS} items`);
  return seq.valueBlock.value.map((item) => {
    const oid = pick(item);
    if (!(oid instanceof asn1js.ObjectIdentifier)) throw new Refused('an OID list extension holds a non-OID');
    return oid.valueBlock.toString();
  });
}

function octets(value: Uint8Array): Uint8Array {
  const os = strict(value);
  if (!(os instanceof asn1js.OctetString)) throw new Refused('subjectKeyIdentifier is not an OCTET STRING');
  return os.valueBlock.valueHexView;
}

function authorityKeyIdOf(value: Uint8Array): Uint8Array | undefined {
  const seq = strict(value);
  if (!(seq instanceof asn1js.Sequence)) throw new Refused('authorityKeyIdentifier is not a SEQUENCE');
  const first = seq.valueBlock.value[0];
  // keyIdentifier is [0] IMPLICIT OCTET STRING: a context-specific primitive, tag 0.
  if (first && first.idBlock.tagClass === 3 && first.idBlock.tagNumber === 0 && first instanceof asn1js.Primitive) return first.valueBlock.valueHexView;
  return undefined;
}

function nameOf(name: pkijs.RelativeDistinguishedNames): DistinguishedName {
  if (name.typesAndValues.length > MAX_NAME_ATTRIBUTES) throw new Refused(`a name with more than ${MAX_NAME_ATTRIBUTES} attributes`);
  const attributes = name.typesAndValues.map((atv): NameAttribute => {
    const raw: unknown = atv.value.valueBlock.value;
    const text = typeof raw === 'string' ? raw : toHex(atv.value.valueBlock.valueHexView);
    if (text.length > MAX_ATTRIBUTE_CHARS) throw new Refused('a name attribute longer than 4096 characters');
    const short = SHORT_NAMES[atv.type];
    return short ? { type: atv.type, name: short, value: text } : { type: atv.type, value: text };
  });
  // eslint-disable-next-line no-control-regex -- control characters are stripped from display text on purpose
  const display = (s: string): string => s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return {
    attributes,
    text: attributes.map((a) => `${a.name ?? a.type}=${display(a.value)}`).join(', '),
    der: new Uint8Array(name.valueBeforeDecode),
  };
}

/** A pkijs name as a {@link DistinguishedName}; null when it is absurd (too many or too long attributes). */
export function distinguishedName(name: pkijs.RelativeDistinguishedNames): DistinguishedName | null {
  try {
    return nameOf(name);
  } catch {
    return null;
  }
}

/**
 * Whether two names are the same: byte-equal DER, or the same attributes in the same order
 * with values equal after case folding and whitespace collapsing (RFC 5280 §7.1, simplified).
 */
export function sameName(a: DistinguishedName, b: DistinguishedName): boolean {
  if (a.der.length > 0 && equalBytes(a.der, b.der)) return true;
  if (a.attributes.length !== b.attributes.length || a.attributes.length === 0) return false;
  const fold = (s: string): string => s.trim().replace(/\s+/g, ' ').toLowerCase();
  return a.attributes.every((x, i) => {
    const y = b.attributes[i];
    return y !== undefined && x.type === y.type && fold(x.value) === fold(y.value);
  });
}

/** The subjectPublicKey bits of a certificate (the key itself, without its algorithm). */
export function publicKeyBits(cert: ParsedCertificate): Uint8Array {
  return cert.publicKey.subjectPublicKey.valueBlock.valueHexView;
}

/** A short, safe description of a certificate for verdicts and evidence. */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly fingerprint: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly policies: readonly string[];
}

export function summarize(cert: ParsedCertificate): CertificateSummary {
  return { subject: cert.subject.text, issuer: cert.issuer.text, serialNumber: cert.serialNumber, fingerprint: cert.fingerprint, notBefore: cert.notBefore, notAfter: cert.notAfter, policies: cert.policies };
}
