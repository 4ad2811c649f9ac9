import { toHex } from '../bytes';
import { parseCertificate } from '../cert/certificate';
import { certificatesFromPem } from '../cert/pem';
import { DEFAULT_LIMITS } from '../limits';
import { ValidatorError, ValidatorErrorCode } from '../validator.error';

/** What a path builder asks an {@link IntermediateSource} about: the certificate whose issuer it needs. */
export interface IssuerQuery {
  /** DER of the certificate. */
  readonly certificate: Uint8Array;
  /** DER of its issuer name. */
  readonly issuerName: Uint8Array;
  /** Its issuer name as text, for logs. */
  readonly issuer: string;
  /** Its authorityKeyIdentifier keyIdentifier, when it has one. */
  readonly authorityKeyId?: Uint8Array;
}

/**
 * Port: where intermediate CA certificates come from beyond those in the signature. The
 * in-memory pool is the first adapter; fetching the AIA caIssuers URL is a later one. An
 * answer is only a candidate: every certificate it returns is parsed and signature-checked.
 */
export interface IntermediateSource {
  /** DER certificates that may have issued the queried one; empty when none is known. */
  findIssuers(query: IssuerQuery): Promise<readonly Uint8Array[]>;
}

/** A fixed pool of intermediates (PEM bundle or DER), indexed by subject name. */
export class InMemoryIntermediateSource implements IntermediateSource {
  private readonly bySubject = new Map<string, Uint8Array[]>();

  /** Throws `VALIDATOR.BAD_INTERMEDIATE` for a certificate that cannot be read. */
  constructor(certificates: string | readonly Uint8Array[]) {
    const ders = typeof certificates === 'string' ? certificatesFromPem(certificates) : certificates;
    for (const der of ders) {
      const parsed = parseCertificate(der, DEFAULT_LIMITS);
      if (!parsed.ok) throw new ValidatorError(ValidatorErrorCode.BAD_INTERMEDIATE, parsed.message);
      const key = toHex(parsed.cert.subject.der);
      this.bySubject.set(key, [...(this.bySubject.get(key) ?? []), der]);
    }
  }

  async findIssuers(query: IssuerQuery): Promise<readonly Uint8Array[]> {
    return this.bySubject.get(toHex(query.issuerName)) ?? [];
  }
}
