import { CodedError, type CodedErrorOptions } from '@vdx/contracts/errors';
import { isNetworkError } from './network.error';

/** Why an adapter gave no answer (or a narrower one): for logs and tests; the verdict only sees "no answer". */
export interface LookupProblem {
  readonly source: 'ocsp' | 'crl' | 'aia' | 'evidence';
  /** `OCSP.*`, `CRL.*`, `AIA.*` (below) or a `NETWORK.*` code. */
  readonly code: string;
  readonly message: string;
  readonly url?: string;
  /** The certificate asked about. */
  readonly subject?: string;
}

/** Codes of the answers an adapter refused to use. */
export const LookupProblemCode = {
  OCSP_NO_URL: 'OCSP.NO_URL',
  OCSP_UNSUCCESSFUL: 'OCSP.UNSUCCESSFUL',
  OCSP_MALFORMED: 'OCSP.MALFORMED',
  OCSP_RESPONDER_NOT_AUTHORISED: 'OCSP.RESPONDER_NOT_AUTHORISED',
  OCSP_SIGNATURE_INVALID: 'OCSP.SIGNATURE_INVALID',
  OCSP_NONCE_MISMATCH: 'OCSP.NONCE_MISMATCH',
  OCSP_NO_MATCHING_RESPONSE: 'OCSP.NO_MATCHING_RESPONSE',
  OCSP_NOT_FRESH: 'OCSP.NOT_FRESH',
  OCSP_BEFORE_TIME: 'OCSP.BEFORE_TIME',
  CRL_NO_URL: 'CRL.NO_URL',
  CRL_MALFORMED: 'CRL.MALFORMED',
  CRL_ISSUER_MISMATCH: 'CRL.ISSUER_MISMATCH',
  CRL_ISSUER_NOT_CRL_SIGNER: 'CRL.ISSUER_NOT_CRL_SIGNER',
  CRL_SIGNATURE_INVALID: 'CRL.SIGNATURE_INVALID',
  CRL_UNSUPPORTED: 'CRL.UNSUPPORTED',
  CRL_NOT_FRESH: 'CRL.NOT_FRESH',
  CRL_BEFORE_TIME: 'CRL.BEFORE_TIME',
  AIA_NO_URL: 'AIA.NO_URL',
  AIA_MALFORMED: 'AIA.MALFORMED',
  BAD_QUERY: 'REVOCATION.BAD_QUERY',
  /** Re-validating from an evidence record: it holds no usable answer for the certificate. */
  EVIDENCE_MISSING: 'EVIDENCE.MISSING',
} as const;

/**
 * A refusal with its code, thrown inside an adapter and reported as a {@link LookupProblem}
 * (never beyond it: its codes are look-up problems, not errors of `ERROR_CODES`).
 */
export class Refusal extends CodedError<string> {
  override readonly name = 'Refusal';
  constructor(code: string, message: string, options?: CodedErrorOptions) {
    super(code, message, options);
  }
}

export function problemOf(source: LookupProblem['source'], e: unknown, url: string | undefined, subject: string | undefined): LookupProblem {
  const code = e instanceof Refusal || isNetworkError(e) ? e.code : 'NETWORK.UNREACHABLE';
  const message = e instanceof Error ? e.message : String(e);
  return { source, code, message, ...(url === undefined ? {} : { url }), ...(subject === undefined ? {} : { subject }) };
}

/** How fresh revocation data must be, and how far clocks may disagree. */
export interface FreshnessOptions {
  /** Tolerated clock difference with responders. Default 5 minutes. */
  readonly clockSkewMs?: number;
  /** A response or CRL without nextUpdate is used only this long after its thisUpdate. Default 10 minutes. */
  readonly maxAgeWithoutNextUpdateMs?: number;
}

/**
 * Checks `thisUpdate`/`nextUpdate` against `now` and, for an answer that says "good", against the
 * time asked about: "good at thisUpdate" says nothing of a later time. Returns the refusal's code
 * or null.
 */
export function freshness(
  kind: 'OCSP' | 'CRL',
  times: { thisUpdate: Date; nextUpdate: Date | undefined },
  now: number,
  at: Date,
  good: boolean,
  opts: FreshnessOptions,
): Refusal | null {
  const skew = opts.clockSkewMs ?? 5 * 60_000;
  const maxAge = opts.maxAgeWithoutNextUpdateMs ?? 10 * 60_000;
  const code = (s: string): string => `${kind}.${s}`;
  const thisUpdate = times.thisUpdate.getTime();
  if (Number.isNaN(thisUpdate) || thisUpdate > now + skew) return new Refusal(code('NOT_FRESH'), `thisUpdate ${iso(times.thisUpdate)} is in the future`);
  if (times.nextUpdate) {
    if (Number.isNaN(times.nextUpdate.getTime()) || times.nextUpdate.getTime() < now - skew) return new Refusal(code('NOT_FRESH'), `expired: nextUpdate ${iso(times.nextUpdate)}`);
  } else if (thisUpdate < now - maxAge) return new Refusal(code('NOT_FRESH'), `no nextUpdate and thisUpdate ${iso(times.thisUpdate)} is older than ${maxAge} ms`);
  if (good && thisUpdate < at.getTime() - skew) return new Refusal(code('BEFORE_TIME'), `"good" at ${iso(times.thisUpdate)} says nothing of ${at.toISOString()}`);
  return null;
}

const iso = (d: Date): string => (Number.isNaN(d.getTime()) ? 'an invalid date' : d.toISOString());
