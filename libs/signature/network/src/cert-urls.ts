import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseBer } from '@vdx/signature-validator';

const AIA = '1.3.6.1.5.5.7.1.1';
const CDP = '2.5.29.31';
const OCSP_METHOD = '1.3.6.1.5.5.7.48.1';
const CA_ISSUERS_METHOD = '1.3.6.1.5.5.7.48.2';
/** URLs read per extension at most: a certificate listing hundreds is hostile. */
const MAX_URLS = 8;
const MAX_URL_CHARS = 2048;

/** Where a certificate says its status and its issuer are published. */
export interface CertificateUrls {
  /** authorityInfoAccess id-ad-ocsp URIs. */
  readonly ocsp: readonly string[];
  /** authorityInfoAccess id-ad-caIssuers URIs. */
  readonly caIssuers: readonly string[];
  /** cRLDistributionPoints fullName URIs of complete CRLs (no `reasons`, no `cRLIssuer`). */
  readonly crl: readonly string[];
}

const NONE: CertificateUrls = Object.freeze({ ocsp: [], caIssuers: [], crl: [] });

/**
 * The OCSP, caIssuers and CRL URLs of a DER certificate. Anything unreadable gives no URL
 * (and so no answer, which is indeterminate), never an exception.
 */
export function certificateUrls(der: Uint8Array): CertificateUrls {
  const parsed = parseBer(der, { maxDepth: 48, maxElements: 20_000 });
  if (!parsed.ok) return NONE;
  let cert: pkijs.Certificate;
  try {
    cert = new pkijs.Certificate({ schema: parsed.value });
  } catch {
    return NONE;
  }
  const ocsp: string[] = [];
  const caIssuers: string[] = [];
  const crl: string[] = [];
  for (const ext of cert.extensions ?? []) {
    const value = strict(ext.extnValue.valueBlock.valueHexView);
    if (!(value instanceof asn1js.Sequence)) continue;
    if (ext.extnID === AIA) {
      for (const desc of value.valueBlock.value.slice(0, MAX_URLS * 2)) {
        if (!(desc instanceof asn1js.Sequence)) continue;
        const [method, location] = desc.valueBlock.value;
        const uri = location ? uriOf(location) : null;
        if (!(method instanceof asn1js.ObjectIdentifier) || !uri) continue;
        const oid = method.valueBlock.toString();
        if (oid === OCSP_METHOD && ocsp.length < MAX_URLS) ocsp.push(uri);
        if (oid === CA_ISSUERS_METHOD && caIssuers.length < MAX_URLS) caIssuers.push(uri);
      }
    } else if (ext.extnID === CDP) {
      for (const dp of value.valueBlock.value.slice(0, MAX_URLS)) {
        if (!(dp instanceof asn1js.Sequence)) continue;
        const parts = dp.valueBlock.value;
        // reasons [1] or cRLIssuer [2]: a partitioned or indirect CRL, which this adapter does not read.
        if (parts.some((p) => p.idBlock.tagClass === 3 && p.idBlock.tagNumber !== 0)) continue;
        const name = parts.find((p) => p.idBlock.tagClass === 3 && p.idBlock.tagNumber === 0);
        const fullName = name instanceof asn1js.Constructed ? name.valueBlock.value[0] : undefined;
        if (!(fullName instanceof asn1js.Constructed) || fullName.idBlock.tagNumber !== 0) continue;
        for (const general of fullName.valueBlock.value) {
          const uri = uriOf(general);
          if (uri && crl.length < MAX_URLS) crl.push(uri);
        }
      }
    }
  }
  return { ocsp, caIssuers, crl };
}

function strict(bytes: Uint8Array): asn1js.AsnType | null {
  try {
    const parsed = asn1js.fromBER(bytes.slice().buffer, { maxDepth: 10, maxNodes: 2000 });
    return parsed.offset === bytes.length ? parsed.result : null;
  } catch {
    return null;
  }
}

/** A GeneralName uniformResourceIdentifier ([6] IMPLICIT IA5String), printable ASCII only. */
function uriOf(name: asn1js.AsnType): string | null {
  if (name.idBlock.tagClass !== 3 || name.idBlock.tagNumber !== 6 || !(name instanceof asn1js.Primitive)) return null;
  const bytes = name.valueBlock.valueHexView;
  if (bytes.length === 0 || bytes.length > MAX_URL_CHARS || bytes.some((b) => b < 0x21 || b > 0x7e)) return null;
  return Buffer.from(bytes).toString('latin1');
}
