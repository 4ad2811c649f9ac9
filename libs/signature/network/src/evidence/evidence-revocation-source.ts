import type { RevocationAnswer, RevocationQuery, RevocationSource } from '@vdx/signature-validator';
import { checkCrl } from '../crl/crl-source';
import { issuerPair } from '../issuer-pair';
import { readOcspResponse } from '../ocsp/ocsp-source';
import { freshness, LookupProblemCode, problemOf, Refusal, type FreshnessOptions, type LookupProblem } from '../problems';

/** A revocation answer kept in an evidence record, with the certificate it was about. */
export interface RecordedAnswer {
  /** SHA-256 of the certificate's DER, lower-case hex. */
  readonly fingerprint: string;
  readonly answer: Pick<RevocationAnswer, 'source' | 'evidence'>;
}

/** Options of {@link EvidenceRevocationSource}. */
export interface EvidenceSourceOptions extends FreshnessOptions {
  /** The clock the freshness rules use: when the recorded validation ran. */
  readonly at: Date;
  /** Most ASN.1 elements read from one recorded CRL. Default 2,000,000. */
  readonly maxCrlElements?: number;
  readonly onProblem?: (problem: LookupProblem) => void;
}

/**
 * Revocation from recorded evidence, without the network: for each query, the OCSP responses
 * and CRLs recorded for that certificate are checked again exactly as when they were fetched
 * (the response's signature and responder, the CertID, the CRL's issuer, signature and scope)
 * and their freshness judged at `at`, the time of the recorded validation. The nonce is not
 * compared: it belonged to the original request. What the evidence does not hold, or what
 * fails a check, is no answer (`null`), never "good".
 */
export class EvidenceRevocationSource implements RevocationSource {
  private readonly byCertificate = new Map<string, RecordedAnswer['answer'][]>();

  constructor(
    recorded: readonly RecordedAnswer[],
    private readonly opts: EvidenceSourceOptions,
  ) {
    for (const r of recorded) this.byCertificate.set(r.fingerprint, [...(this.byCertificate.get(r.fingerprint) ?? []), r.answer]);
  }

  async status(query: RevocationQuery): Promise<RevocationAnswer | null> {
    const recorded = this.byCertificate.get(query.fingerprint) ?? [];
    if (recorded.length === 0) {
      this.opts.onProblem?.({ source: 'evidence', code: LookupProblemCode.EVIDENCE_MISSING, message: 'the evidence holds no answer for this certificate', subject: query.subject });
      return null;
    }
    for (const answer of recorded) {
      try {
        return await this.recheck(answer, query);
      } catch (e) {
        this.opts.onProblem?.(problemOf(answer.source, e, undefined, query.subject));
      }
    }
    return null;
  }

  private async recheck(recorded: RecordedAnswer['answer'], query: RevocationQuery): Promise<RevocationAnswer> {
    const pair = issuerPair(query);
    const now = this.opts.at.getTime();
    if (recorded.source === 'ocsp') {
      const read = await readOcspResponse(recorded.evidence, pair, null, false);
      const refusal = freshness('OCSP', read, now, query.at, read.status === 'good', this.opts);
      if (refusal) throw refusal;
      return { status: read.status, ...(read.revokedAt ? { revokedAt: read.revokedAt } : {}), source: 'ocsp', evidence: recorded.evidence };
    }
    if (recorded.source === 'crl') {
      const crl = await checkCrl(recorded.evidence, pair, this.opts.maxCrlElements ?? 2_000_000);
      const revokedAt = crl.revoked.get(pair.cert.serialNumber);
      const status = revokedAt === undefined ? 'good' : 'revoked';
      const refusal = freshness('CRL', crl, now, query.at, status === 'good', this.opts);
      if (refusal) throw refusal;
      return { status, ...(revokedAt && !Number.isNaN(revokedAt.getTime()) ? { revokedAt } : {}), source: 'crl', evidence: recorded.evidence };
    }
    throw new Refusal(LookupProblemCode.EVIDENCE_MISSING, `recorded answer of unknown source ${String(recorded.source)}`);
  }
}
