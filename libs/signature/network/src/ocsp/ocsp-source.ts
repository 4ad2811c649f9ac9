import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import {
  DEFAULT_LIMITS,
  digest,
  distinguishedName,
  equalBytes,
  parseBer,
  parseCertificate,
  publicKeyBits,
  sameName,
  toArrayBuffer,
  toHex,
  verifySignedBytes,
  type DigestName,
  type ParsedCertificate,
  type RevocationAnswer,
  type RevocationQuery,
  type RevocationSource,
} from '@vdx/signature-validator';
import { ExpiringCache } from '../cache';
import { certificateUrls } from '../cert-urls';
import type { Fetcher } from '../http/fetcher';
import { NO_DEADLINE, type Deadline } from '../http/deadline';
import { issuerPair, type IssuerPair } from '../issuer-pair';
import { freshness, LookupProblemCode, problemOf, Refusal, type FreshnessOptions, type LookupProblem } from '../problems';

export const OCSP_OIDS = {
  basic: '1.3.6.1.5.5.7.48.1.1',
  nonce: '1.3.6.1.5.5.7.48.1.2',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  sha1: '1.3.14.3.2.26',
} as const;

const HASH_BY_OID: Readonly<Record<string, DigestName>> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};

/** Options of {@link OcspRevocationSource}. */
export interface OcspSourceOptions extends FreshnessOptions {
  readonly fetcher: Fetcher;
  /** Send a nonce (RFC 8954) and check it when echoed. Default true. */
  readonly nonce?: boolean;
  /** Refuse a response that does not echo the nonce. Default false: many responders serve pre-signed responses. */
  readonly requireNonce?: boolean;
  /** Largest response read. Default 256 KiB. */
  readonly maxResponseBytes?: number;
  /** Responses kept until their nextUpdate. Default 10,000. */
  readonly cacheEntries?: number;
  /** Told why a look-up gave no answer. */
  readonly onProblem?: (problem: LookupProblem) => void;
}

interface Cached {
  readonly answer: RevocationAnswer;
  readonly thisUpdate: Date;
}

/**
 * Revocation through OCSP (RFC 6960): the responder named in the certificate's
 * authorityInfoAccess is sent a request for the certificate's CertID (SHA-1, the hash every
 * responder supports) with a fresh nonce, over HTTP POST. The answer is used only when the
 * response is successful and signed by the issuer itself or by a responder certificate the
 * issuer issued with id-kp-OCSPSigning; the single response matches the CertID; the nonce,
 * when echoed, is ours; `thisUpdate` is not in the future, `nextUpdate` has not passed (without
 * one, `thisUpdate` is recent); and a "good" was given at or after the time asked about.
 * Anything else is no answer. Responses are cached until their nextUpdate, and the raw DER is
 * the answer's evidence.
 */
export class OcspRevocationSource implements RevocationSource {
  private readonly cache: ExpiringCache<Cached>;

  constructor(private readonly opts: OcspSourceOptions) {
    this.cache = new ExpiringCache(opts.cacheEntries ?? 10_000, opts.fetcher.clock);
  }

  /** Cache hits so far. */
  get cacheHits(): number {
    return this.cache.hits;
  }

  status(query: RevocationQuery, deadline: Deadline = NO_DEADLINE): Promise<RevocationAnswer | null> {
    return this.lookup(query, deadline).catch((e: unknown) => {
      this.opts.onProblem?.(problemOf('ocsp', e, undefined, query.subject));
      return null;
    });
  }

  private async lookup(query: RevocationQuery, deadline: Deadline): Promise<RevocationAnswer | null> {
    const pair = issuerPair(query);
    const key = `${pair.issuer.fingerprint}:${pair.cert.serialNumber}`;
    const skew = this.opts.clockSkewMs ?? 5 * 60_000;
    const fits = (c: Cached): boolean => c.answer.status !== 'good' || c.thisUpdate.getTime() >= query.at.getTime() - skew;
    const cached = this.cache.get(key, fits);
    if (cached) return cached.answer;
    const urls = certificateUrls(query.certificate).ocsp;
    if (urls.length === 0) throw new Refusal(LookupProblemCode.OCSP_NO_URL, 'the certificate names no OCSP responder');
    return this.cache.once(`${key}@${query.at.getTime()}`, async () => {
      for (const url of urls.slice(0, 2)) {
        try {
          const got = await this.ask(url, pair, query.at, deadline);
          if (got.nextUpdate) this.cache.set(key, got.cached, got.nextUpdate.getTime());
          return got.cached;
        } catch (e) {
          this.opts.onProblem?.(problemOf('ocsp', e, url, query.subject));
        }
      }
      return null;
    }).then((c) => c?.answer ?? null);
  }

  private async ask(url: string, pair: IssuerPair, at: Date, deadline: Deadline): Promise<{ cached: Cached; nextUpdate: Date | undefined }> {
    const nonce = this.opts.nonce === false ? null : new Uint8Array(randomBytes(16));
    const request = buildOcspRequest(pair, nonce);
    const response = await this.opts.fetcher.fetch({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' },
      body: request.der,
      maxBytes: this.opts.maxResponseBytes ?? 256 * 1024,
      deadline,
    });
    const read = await readOcspResponse(response.body, pair, request.nonceExtension, this.opts.requireNonce ?? false);
    const refusal = freshness('OCSP', read, this.opts.fetcher.clock(), at, read.status === 'good', this.opts);
    if (refusal) throw refusal;
    const answer: RevocationAnswer = { status: read.status, ...(read.revokedAt ? { revokedAt: read.revokedAt } : {}), source: 'ocsp', evidence: response.body };
    return { cached: { answer, thisUpdate: read.thisUpdate }, nextUpdate: read.nextUpdate };
  }
}

/** An OCSP request (DER) for one certificate, and the nonce extension value sent. */
export function buildOcspRequest(pair: IssuerPair, nonce: Uint8Array | null): { der: Uint8Array; nonceExtension: Uint8Array | null } {
  const certId = new pkijs.CertID({
    hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OCSP_OIDS.sha1, algorithmParams: new asn1js.Null() }),
    issuerNameHash: new asn1js.OctetString({ valueHex: toArrayBuffer(digest('SHA-1', pair.cert.issuer.der)) }),
    issuerKeyHash: new asn1js.OctetString({ valueHex: toArrayBuffer(digest('SHA-1', publicKeyBits(pair.issuer))) }),
    serialNumber: new asn1js.Integer({ valueHex: toArrayBuffer(Buffer.from(pair.cert.serialNumber, 'hex')) }),
  });
  const nonceExtension = nonce ? new Uint8Array(new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER(false)) : null;
  const tbsRequest = new pkijs.TBSRequest({
    requestList: [new pkijs.Request({ reqCert: certId })],
    ...(nonceExtension ? { requestExtensions: [new pkijs.Extension({ extnID: OCSP_OIDS.nonce, critical: false, extnValue: toArrayBuffer(nonceExtension) })] } : {}),
  });
  const request = new pkijs.OCSPRequest({ tbsRequest });
  return { der: new Uint8Array(request.toSchema(true).toBER(false)), nonceExtension };
}

/** What a checked OCSP response says about the certificate. */
export interface OcspReading {
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revokedAt?: Date;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly producedAt: Date;
}

/** Reads and checks an OCSP response for `pair`; throws a {@link Refusal} for anything unusable. */
export async function readOcspResponse(der: Uint8Array, pair: IssuerPair, nonceSent: Uint8Array | null, requireNonce: boolean): Promise<OcspReading> {
  const limits = { maxDepth: 32, maxElements: 50_000 };
  const outer = parseBer(der, limits);
  if (!outer.ok) throw new Refusal(LookupProblemCode.OCSP_MALFORMED, `OCSP response: ${outer.message}`);
  let basic: pkijs.BasicOCSPResponse;
  try {
    const response = new pkijs.OCSPResponse({ schema: outer.value });
    const status = response.responseStatus.valueBlock.valueDec;
    if (status !== 0) throw new Refusal(LookupProblemCode.OCSP_UNSUCCESSFUL, `responseStatus ${status} (${['successful', 'malformedRequest', 'internalError', 'tryLater', '', 'sigRequired', 'unauthorized'][status] ?? 'unknown'})`);
    if (!response.responseBytes || response.responseBytes.responseType !== OCSP_OIDS.basic) throw new Refusal(LookupProblemCode.OCSP_MALFORMED, 'not a basic OCSP response');
    const inner = parseBer(response.responseBytes.response.valueBlock.valueHexView, limits);
    if (!inner.ok) throw new Refusal(LookupProblemCode.OCSP_MALFORMED, `BasicOCSPResponse: ${inner.message}`);
    basic = new pkijs.BasicOCSPResponse({ schema: inner.value });
  } catch (e) {
    if (e instanceof Refusal) throw e;
    throw new Refusal(LookupProblemCode.OCSP_MALFORMED, `unreadable OCSP response: ${e instanceof Error ? e.message : 'parse error'}`);
  }
  const data = basic.tbsResponseData;
  const signer = await authorisedSigner(basic, pair);
  const signature = await verifySignedBytes(signer, basic.signatureAlgorithm, data.tbsView, basic.signature.valueBlock.valueHexView);
  if (!signature.ok) throw new Refusal(LookupProblemCode.OCSP_SIGNATURE_INVALID, `the response's signature: ${signature.message}`);

  const echoed = (data.responseExtensions ?? []).find((e) => e.extnID === OCSP_OIDS.nonce);
  if (nonceSent && echoed && !equalBytes(echoed.extnValue.valueBlock.valueHexView, nonceSent)) throw new Refusal(LookupProblemCode.OCSP_NONCE_MISMATCH, 'the response carries another nonce (a replay?)');
  if (nonceSent && !echoed && requireNonce) throw new Refusal(LookupProblemCode.OCSP_NONCE_MISMATCH, 'the response does not echo the nonce');

  const single = data.responses.find((r) => matches(r.certID, pair));
  if (!single) throw new Refusal(LookupProblemCode.OCSP_NO_MATCHING_RESPONSE, `no single response for serial ${pair.cert.serialNumber}`);
  const tag = single.certStatus?.idBlock?.tagNumber;
  const times = { thisUpdate: single.thisUpdate, nextUpdate: single.nextUpdate, producedAt: data.producedAt };
  if (tag === 0) return { status: 'good', ...times };
  if (tag === 2) return { status: 'unknown', ...times };
  if (tag === 1) {
    const time: unknown = single.certStatus instanceof asn1js.Constructed ? single.certStatus.valueBlock.value[0] : undefined;
    const revokedAt = time instanceof asn1js.GeneralizedTime ? time.toDate() : undefined;
    // A revocation whose date cannot be read counts from the start (the validator treats it as revoked).
    return revokedAt && !Number.isNaN(revokedAt.getTime()) ? { status: 'revoked', revokedAt, ...times } : { status: 'revoked', ...times };
  }
  throw new Refusal(LookupProblemCode.OCSP_MALFORMED, 'unreadable certStatus');
}

function matches(id: pkijs.CertID, pair: IssuerPair): boolean {
  const hash = HASH_BY_OID[id.hashAlgorithm.algorithmId];
  if (!hash) return false;
  return (
    toHex(id.serialNumber.valueBlock.valueHexView) === pair.cert.serialNumber &&
    equalBytes(id.issuerNameHash.valueBlock.valueHexView, digest(hash, pair.cert.issuer.der)) &&
    equalBytes(id.issuerKeyHash.valueBlock.valueHexView, digest(hash, publicKeyBits(pair.issuer)))
  );
}

/**
 * The certificate whose key must have signed the response (RFC 6960 §4.2.2.2): the issuer
 * itself, or a responder certificate bundled in the response that the issuer signed, with
 * id-kp-OCSPSigning, valid when the response was produced. Chosen by the responder ID.
 */
async function authorisedSigner(basic: pkijs.BasicOCSPResponse, pair: IssuerPair): Promise<ParsedCertificate> {
  const id: unknown = basic.tbsResponseData.responderID;
  const named = (c: ParsedCertificate): boolean => {
    if (id instanceof pkijs.RelativeDistinguishedNames) {
      const name = distinguishedName(id);
      return name !== null && sameName(name, c.subject);
    }
    if (id instanceof asn1js.OctetString) return equalBytes(id.valueBlock.valueHexView, digest('SHA-1', publicKeyBits(c)));
    return false;
  };
  if (named(pair.issuer)) return pair.issuer;
  for (const raw of (basic.certs ?? []).slice(0, 8)) {
    const parsed = parseCertificate(new Uint8Array(raw.toSchema(false).toBER(false)), DEFAULT_LIMITS);
    if (!parsed.ok || !named(parsed.cert)) continue;
    const responder = parsed.cert;
    const issued = sameName(responder.issuer, pair.issuer.subject) && (await verifySignedBytes(pair.issuer, responder.signatureAlgorithm, responder.tbs, responder.signatureValue)).ok;
    if (!issued) throw new Refusal(LookupProblemCode.OCSP_RESPONDER_NOT_AUTHORISED, `the responder ${responder.subject.text} was not issued by ${pair.issuer.subject.text}`);
    if (!responder.extendedKeyUsage?.usages.includes(OCSP_OIDS.ocspSigning)) throw new Refusal(LookupProblemCode.OCSP_RESPONDER_NOT_AUTHORISED, `the responder ${responder.subject.text} lacks id-kp-OCSPSigning`);
    if (responder.keyUsage && !responder.keyUsage.has('digitalSignature') && !responder.keyUsage.has('nonRepudiation')) throw new Refusal(LookupProblemCode.OCSP_RESPONDER_NOT_AUTHORISED, `the responder's keyUsage forbids signing`);
    const producedAt = basic.tbsResponseData.producedAt;
    if (producedAt < responder.notBefore || producedAt > responder.notAfter) throw new Refusal(LookupProblemCode.OCSP_RESPONDER_NOT_AUTHORISED, `the responder certificate was not valid at producedAt ${producedAt.toISOString()}`);
    return responder;
  }
  throw new Refusal(LookupProblemCode.OCSP_RESPONDER_NOT_AUTHORISED, 'the response is signed neither by the issuer nor by a responder certificate it carries');
}
