import type { RevocationAnswer, RevocationQuery, RevocationSource } from '@vdx/signature-validator';
import { NO_DEADLINE, type Deadline } from './http/deadline';

/** A revocation source that can be given the package's deadline. */
export interface DeadlineAwareRevocationSource extends RevocationSource {
  status(query: RevocationQuery, deadline?: Deadline): Promise<RevocationAnswer | null>;
}

/**
 * OCSP first, the CRL when OCSP gives no answer or says "unknown" (a responder that does not
 * know the certificate). When both fail, OCSP's "unknown" is kept, else there is no answer:
 * never "good" by default.
 */
export class OcspThenCrlRevocationSource implements DeadlineAwareRevocationSource {
  constructor(
    private readonly ocsp: DeadlineAwareRevocationSource,
    private readonly crl: DeadlineAwareRevocationSource,
  ) {}

  async status(query: RevocationQuery, deadline: Deadline = NO_DEADLINE): Promise<RevocationAnswer | null> {
    const first = await this.ocsp.status(query, deadline).catch(() => null);
    if (first && first.status !== 'unknown') return first;
    const second = await this.crl.status(query, deadline).catch(() => null);
    return second ?? first;
  }
}

/** The same source with one package's deadline bound to every query. */
export function withDeadline(source: DeadlineAwareRevocationSource, deadline: Deadline): RevocationSource {
  return { status: (query) => source.status(query, deadline) };
}
