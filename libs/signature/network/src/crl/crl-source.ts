import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { sameName, distinguishedName, parseBer, toHex, verifySignedBytes, type ParsedCertificate, type RevocationAnswer, type RevocationQuery, type RevocationSource } from '@vdx/signature-validator';
import { ExpiringCache } from '../cache';
import { certificateUrls } from '../cert-urls';
import type { Fetcher } from '../http/fetcher';
import { NO_DEADLINE, type Deadline } from '../http/deadline';
import { issuerPair, type IssuerPair } from '../issuer-pair';
import { freshness, LookupProblemCode, problemOf, Refusal, type FreshnessOptions, type LookupProblem } from '../problems';

const CRL_EXTENSIONS = {
  authorityKeyIdentifier: '2.5.29.35',
  crlNumber: '2.5.29.20',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  freshestCrl: '2.5.29.46',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
} as const;
const ENTRY_EXTENSIONS = { reasonCode: '2.5.29.21', invalidityDate: '2.5.29.24', certificateIssuer: '2.5.29.29' } as const;
/** CRLReason removeFromCRL: only meaningful in a delta CRL; the certificate is not revoked. */
const REMOVE_FROM_CRL = 8;

/** Options of {@link CrlRevocationSource}. */
export interface CrlSourceOptions extends FreshnessOptions {
  readonly fetcher: Fetcher;
  /** Largest CRL downloaded. Default 32 MiB. */
  readonly maxCrlBytes?: number;
  /** Most ASN.1 elements read from one CRL (about five per entry). Default 2,000,000. */
  readonly maxCrlElements?: number;
  /** CRLs kept (per URL and issuer) until their nextUpdate. Default 64. */
  readonly cacheEntries?: number;
  readonly onProblem?: (problem: LookupProblem) => void;
}

/** A CRL read and checked once: its entries by serial, its window and its raw DER. */
interface CheckedCrl {
  readonly revoked: ReadonlyMap<string, Date>;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly der: Uint8Array;
}

/**
 * Revocation through CRLs (RFC 5280 §5): the first usable URL of the certificate's
 * cRLDistributionPoints (complete CRLs only: no reasons, no cRLIssuer) is fetched over HTTP.
 * The CRL is used only when its issuer is the certificate's issuer, its signature verifies with
 * the issuer's key (which must allow cRLSign when it has keyUsage), it is not a delta CRL, an
 * indirect CRL or a CRL scoped away from this certificate, it has no critical extension this
 * adapter does not process, and its window is current (see `freshness`). A serial on the list
 * is revoked at its revocationDate; one not on it is good. Checked CRLs are cached until their
 * nextUpdate; the raw DER is every answer's evidence.
 */
export class CrlRevocationSource implements RevocationSource {
  private readonly cache: ExpiringCache<CheckedCrl>;

  constructor(private readonly opts: CrlSourceOptions) {
    this.cache = new ExpiringCache(opts.cacheEntries ?? 64, opts.fetcher.clock);
  }

  get cacheHits(): number {
    return this.cache.hits;
  }

  status(query: RevocationQuery, deadline: Deadline = NO_DEADLINE): Promise<RevocationAnswer | null> {
    return this.lookup(query, deadline).catch((e: unknown) => {
      this.opts.onProblem?.(problemOf('crl', e, undefined, query.subject));
      return null;
    });
  }

  private async lookup(query: RevocationQuery, deadline: Deadline): Promise<RevocationAnswer | null> {
    const pair = issuerPair(query);
    const urls = certificateUrls(query.certificate).crl;
    if (urls.length === 0) throw new Refusal(LookupProblemCode.CRL_NO_URL, 'the certificate names no CRL distribution point');
    for (const url of urls.slice(0, 2)) {
      try {
        const crl = await this.crlFor(url, pair, query.at, deadline);
        const revokedAt = crl.revoked.get(pair.cert.serialNumber);
        const status = revokedAt === undefined ? 'good' : 'revoked';
        const refusal = freshness('CRL', crl, this.opts.fetcher.clock(), query.at, status === 'good', this.opts);
        if (refusal) throw refusal;
        return { status, ...(revokedAt && !Number.isNaN(revokedAt.getTime()) ? { revokedAt } : {}), source: 'crl', evidence: crl.der };
      } catch (e) {
        this.opts.onProblem?.(problemOf('crl', e, url, query.subject));
      }
    }
    return null;
  }

  private async crlFor(url: string, pair: IssuerPair, at: Date, deadline: Deadline): Promise<CheckedCrl> {
    const key = `${url} ${pair.issuer.fingerprint}`;
    const skew = this.opts.clockSkewMs ?? 5 * 60_000;
    const cached = this.cache.get(key, (c) => c.thisUpdate.getTime() >= at.getTime() - skew);
    if (cached) return cached;
    return this.cache.once(key, async () => {
      const response = await this.opts.fetcher.fetch({ method: 'GET', url, maxBytes: this.opts.maxCrlBytes ?? 32 * 1024 * 1024, deadline });
      const crl = await checkCrl(response.body, pair, this.opts.maxCrlElements ?? 2_000_000);
      if (crl.nextUpdate) this.cache.set(key, crl, crl.nextUpdate.getTime());
      return crl;
    });
  }
}

/** Reads a DER CRL and checks it is the issuer's complete CRL for this certificate. */
export async function checkCrl(der: Uint8Array, pair: IssuerPair, maxElements: number): Promise<CheckedCrl> {
  const parsed = parseBer(der, { maxDepth: 32, maxElements });
  if (!parsed.ok) throw new Refusal(LookupProblemCode.CRL_MALFORMED, `CRL: ${parsed.message}`);
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = new pkijs.CertificateRevocationList({ schema: parsed.value });
  } catch (e) {
    throw new Refusal(LookupProblemCode.CRL_MALFORMED, `unreadable CRL: ${e instanceof Error ? e.message : 'parse error'}`);
  }
  const issuerName = distinguishedName(crl.issuer);
  if (!issuerName || !sameName(issuerName, pair.cert.issuer) || !sameName(issuerName, pair.issuer.subject)) throw new Refusal(LookupProblemCode.CRL_ISSUER_MISMATCH, `the CRL is issued by ${issuerName?.text ?? '(unreadable)'}, not ${pair.cert.issuer.text}`);
  if (pair.issuer.keyUsage && !pair.issuer.keyUsage.has('cRLSign')) throw new Refusal(LookupProblemCode.CRL_ISSUER_NOT_CRL_SIGNER, `${pair.issuer.subject.text} may not sign CRLs (keyUsage without cRLSign)`);
  const signature = await verifySignedBytes(pair.issuer, crl.signatureAlgorithm, crl.tbsView, crl.signatureValue.valueBlock.valueHexView);
  if (!signature.ok) throw new Refusal(LookupProblemCode.CRL_SIGNATURE_INVALID, `the CRL's signature: ${signature.message}`);
  for (const ext of crl.crlExtensions?.extensions ?? []) {
    if (ext.extnID === CRL_EXTENSIONS.deltaCrlIndicator) throw new Refusal(LookupProblemCode.CRL_UNSUPPORTED, 'a delta CRL, not a complete one');
    if (ext.extnID === CRL_EXTENSIONS.issuingDistributionPoint) scopeCheck(ext.extnValue.valueBlock.valueHexView, pair.cert);
    else if (ext.critical && !Object.values(CRL_EXTENSIONS).includes(ext.extnID as never)) throw new Refusal(LookupProblemCode.CRL_UNSUPPORTED, `critical CRL extension ${ext.extnID}`);
  }
  const revoked = new Map<string, Date>();
  for (const entry of crl.revokedCertificates ?? []) {
    let removed = false;
    for (const ext of entry.crlEntryExtensions?.extensions ?? []) {
      if (ext.extnID === ENTRY_EXTENSIONS.certificateIssuer) throw new Refusal(LookupProblemCode.CRL_UNSUPPORTED, 'an indirect CRL (certificateIssuer entry extension)');
      if (ext.extnID === ENTRY_EXTENSIONS.reasonCode) removed = reasonOf(ext.extnValue.valueBlock.valueHexView) === REMOVE_FROM_CRL;
      else if (ext.critical && ext.extnID !== ENTRY_EXTENSIONS.invalidityDate) throw new Refusal(LookupProblemCode.CRL_UNSUPPORTED, `critical CRL entry extension ${ext.extnID}`);
    }
    if (!removed) revoked.set(toHex(entry.userCertificate.valueBlock.valueHexView), entry.revocationDate.value);
  }
  return { revoked, thisUpdate: crl.thisUpdate.value, nextUpdate: crl.nextUpdate?.value, der };
}

/**
 * issuingDistributionPoint (RFC 5280 §5.2.5): refuses indirect CRLs, CRLs of some reasons
 * only or of attribute certificates, and CRLs scoped to user or CA certificates when the
 * certificate is the other kind. The distribution point name itself is not compared.
 */
function scopeCheck(value: Uint8Array, cert: ParsedCertificate): void {
  let seq: asn1js.AsnType;
  try {
    const parsed = asn1js.fromBER(value.slice().buffer, { maxDepth: 10, maxNodes: 200 });
    if (parsed.offset !== value.length) throw new Error('trailing bytes');
    seq = parsed.result;
  } catch {
    throw new Refusal(LookupProblemCode.CRL_MALFORMED, 'unreadable issuingDistributionPoint');
  }
  if (!(seq instanceof asn1js.Sequence)) throw new Refusal(LookupProblemCode.CRL_MALFORMED, 'issuingDistributionPoint is not a SEQUENCE');
  for (const item of seq.valueBlock.value) {
    const tag = item.idBlock.tagNumber;
    // [1] onlyContainsUserCerts, [2] onlyContainsCACerts, [3] onlySomeReasons, [4] indirectCRL, [5] onlyContainsAttributeCerts
    const on = item instanceof asn1js.Primitive ? (item.valueBlock.valueHexView[0] ?? 0) !== 0 : true;
    if (!on || tag === 0) continue;
    if ((tag === 1 && cert.isCa) || (tag === 2 && !cert.isCa)) throw new Refusal(LookupProblemCode.CRL_UNSUPPORTED, `the CRL covers only ${tag === 1 ? 'end-entity' : 'CA'} certificates`);
    if (tag >= 3) throw new Refusal(LookupProblemCode.CRL_UNSUPPORTED, 'a CRL scoped by reasons, indirect, or of attribute certificates');
  }
}

function reasonOf(value: Uint8Array): number | null {
  try {
    const parsed = asn1js.fromBER(value.slice().buffer, { maxDepth: 2, maxNodes: 4 });
    return parsed.result instanceof asn1js.Enumerated ? parsed.result.valueBlock.valueDec : null;
  } catch {
    return null;
  }
}
