import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificatesFromPem, parseBer, type IntermediateSource, type IssuerQuery } from '@vdx/signature-validator';
import { ExpiringCache } from '../cache';
import { certificateUrls } from '../cert-urls';
import type { Fetcher } from '../http/fetcher';
import { NO_DEADLINE, type Deadline } from '../http/deadline';
import { LookupProblemCode, problemOf, Refusal, type LookupProblem } from '../problems';

const SIGNED_DATA = '1.2.840.113549.1.7.2';

/** Options of {@link AiaIntermediateSource}. */
export interface AiaSourceOptions {
  readonly fetcher: Fetcher;
  /** Largest answer read. Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /** Certificates taken from one answer. Default 16. */
  readonly maxCertificates?: number;
  /** How long a fetched answer is reused. Default 1 hour. */
  readonly cacheTtlMs?: number;
  readonly cacheEntries?: number;
  readonly onProblem?: (problem: LookupProblem) => void;
}

/**
 * Intermediates from the certificate's authorityInfoAccess caIssuers URL (RFC 5280
 * §4.2.2.1): a DER certificate, a PKCS#7 certs-only SignedData (`.p7c`), or PEM. Every
 * certificate returned is only a candidate: the validator parses it strictly and checks its
 * name and signature. A failure is an empty answer.
 */
export class AiaIntermediateSource implements IntermediateSource {
  private readonly cache: ExpiringCache<readonly Uint8Array[]>;

  constructor(private readonly opts: AiaSourceOptions) {
    this.cache = new ExpiringCache(opts.cacheEntries ?? 1000, opts.fetcher.clock);
  }

  async findIssuers(query: IssuerQuery, deadline: Deadline = NO_DEADLINE): Promise<readonly Uint8Array[]> {
    const urls = certificateUrls(query.certificate).caIssuers;
    if (urls.length === 0) {
      this.opts.onProblem?.({ source: 'aia', code: LookupProblemCode.AIA_NO_URL, message: 'no caIssuers URL', subject: query.issuer });
      return [];
    }
    for (const url of urls.slice(0, 2)) {
      const cached = this.cache.get(url);
      if (cached) return cached;
      try {
        return await this.cache.once(url, async () => {
          const response = await this.opts.fetcher.fetch({ method: 'GET', url, maxBytes: this.opts.maxResponseBytes ?? 1024 * 1024, deadline });
          const certs = certificatesIn(response.body, this.opts.maxCertificates ?? 16);
          this.cache.set(url, certs, this.opts.fetcher.clock() + (this.opts.cacheTtlMs ?? 3_600_000));
          return certs;
        });
      } catch (e) {
        this.opts.onProblem?.(problemOf('aia', e, url, query.issuer));
      }
    }
    return [];
  }
}

/** The certificates of a caIssuers answer: DER certificate, DER certs-only SignedData, or PEM. */
export function certificatesIn(body: Uint8Array, max: number): Uint8Array[] {
  if (body[0] !== 0x30) {
    const pem = certificatesFromPem(Buffer.from(body).toString('latin1'));
    if (pem.length === 0) throw new Refusal(LookupProblemCode.AIA_MALFORMED, 'neither DER nor PEM certificates');
    return pem.slice(0, max);
  }
  const parsed = parseBer(body, { maxDepth: 32, maxElements: 100_000 });
  if (!parsed.ok) throw new Refusal(LookupProblemCode.AIA_MALFORMED, parsed.message);
  const first = parsed.value instanceof asn1js.Sequence ? parsed.value.valueBlock.value[0] : undefined;
  if (first instanceof asn1js.ObjectIdentifier && first.valueBlock.toString() === SIGNED_DATA) {
    try {
      const info = new pkijs.ContentInfo({ schema: parsed.value });
      const signed = new pkijs.SignedData({ schema: info.content });
      return (signed.certificates ?? [])
        .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
        .slice(0, max)
        .map((c) => new Uint8Array(c.toSchema(false).toBER(false)));
    } catch (e) {
      throw new Refusal(LookupProblemCode.AIA_MALFORMED, `unreadable PKCS#7: ${e instanceof Error ? e.message : 'parse error'}`);
    }
  }
  // A single certificate; the validator reads it strictly.
  return [body.subarray(0, parsed.end)];
}

/** The same source with one package's deadline bound to every query. */
export function intermediatesWithDeadline(source: AiaIntermediateSource, deadline: Deadline): IntermediateSource {
  return { findIssuers: (query) => source.findIssuers(query, deadline) };
}
