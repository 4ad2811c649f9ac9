/** What a {@link RevocationSource} is asked: is this certificate, issued by that one, revoked? */
export interface RevocationQuery {
  /** DER of the certificate. */
  readonly certificate: Uint8Array;
  /** DER of its issuer (an OCSP request and a CRL's signature need it). */
  readonly issuer: Uint8Array;
  /** Lower-case hex. */
  readonly serialNumber: string;
  /** SHA-256 of the certificate's DER, lower-case hex. */
  readonly fingerprint: string;
  readonly subject: string;
  /** The time the status matters at (the signing time in use). */
  readonly at: Date;
}

/** A revocation answer, with the raw OCSP response or CRL kept as evidence. */
export interface RevocationAnswer {
  readonly status: 'good' | 'revoked' | 'unknown';
  /** When the certificate was revoked; absent means "from the start" for the checks. */
  readonly revokedAt?: Date;
  readonly source: 'ocsp' | 'crl';
  /** The DER of the OCSP response or CRL the answer was read from. */
  readonly evidence: Uint8Array;
}

/**
 * Port: the revocation status of one certificate. `null` (or a rejected promise) means no
 * answer, which makes the verdict indeterminate, never valid. OCSP and CRL adapters, with
 * their own timeouts and signature checks of the response, are a later step.
 */
export interface RevocationSource {
  status(query: RevocationQuery): Promise<RevocationAnswer | null>;
}

/**
 * An in-memory revocation source for tests and the sandbox: answers by certificate
 * fingerprint, with a default for the rest (`null`: no answer). Records every query.
 */
export class InMemoryRevocationSource implements RevocationSource {
  private readonly answers = new Map<string, RevocationAnswer>();
  private readonly silenced = new Set<string>();
  readonly queries: RevocationQuery[] = [];

  constructor(private readonly fallback: 'good' | 'unknown' | null = 'good') {}

  /** Marks the certificate (by SHA-256 fingerprint) good. */
  good(fingerprint: string): this {
    return this.answer(fingerprint, fake('good'));
  }

  /** Marks the certificate revoked at `revokedAt` (default: no date given). */
  revoke(fingerprint: string, revokedAt?: Date): this {
    return this.answer(fingerprint, revokedAt ? { ...fake('revoked'), revokedAt } : fake('revoked'));
  }

  /** Marks the certificate's status unknown (what an OCSP responder may say). */
  unknown(fingerprint: string): this {
    return this.answer(fingerprint, fake('unknown'));
  }

  /** Gives no answer for this certificate, whatever the default. */
  silent(fingerprint: string): this {
    this.answers.delete(fingerprint);
    this.silenced.add(fingerprint);
    return this;
  }

  private answer(fingerprint: string, answer: RevocationAnswer): this {
    this.silenced.delete(fingerprint);
    this.answers.set(fingerprint, answer);
    return this;
  }

  async status(query: RevocationQuery): Promise<RevocationAnswer | null> {
    this.queries.push(query);
    const answer = this.answers.get(query.fingerprint);
    if (answer) return answer;
    if (this.silenced.has(query.fingerprint) || this.fallback === null) return null;
    return fake(this.fallback);
  }
}

function fake(status: RevocationAnswer['status']): RevocationAnswer {
  return { status, source: 'ocsp', evidence: new TextEncoder().encode(`in-memory revocation answer: ${status}`) };
}
