import { DEFAULT_LIMITS, parseCertificate, type ParsedCertificate, type RevocationQuery } from '@vdx/signature-validator';
import { LookupProblemCode, Refusal } from './problems';

/** The certificate asked about and its issuer, read strictly. */
export interface IssuerPair {
  readonly cert: ParsedCertificate;
  readonly issuer: ParsedCertificate;
}

export function issuerPair(query: RevocationQuery): IssuerPair {
  const cert = parseCertificate(query.certificate, DEFAULT_LIMITS);
  const issuer = parseCertificate(query.issuer, DEFAULT_LIMITS);
  if (!cert.ok || !issuer.ok) throw new Refusal(LookupProblemCode.BAD_QUERY, `unreadable ${cert.ok ? 'issuer' : 'certificate'}: ${cert.ok ? (issuer.ok ? '' : issuer.message) : cert.message}`);
  return { cert: cert.cert, issuer: issuer.cert };
}
