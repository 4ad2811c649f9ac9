// The network side of signature verification: OCSP, CRL and AIA adapters of the validator's
// ports, behind one fetcher with an allow-list, timeouts, bounded concurrency, circuit
// breakers per host and a per-package budget. No answer is never "good".
export { NetworkError, NetworkErrorCode, isNetworkError } from './network.error';
export { Fetcher, type FetcherOptions, type FetchRequest } from './http/fetcher';
export { nodeHttpTransport, type HttpRequest, type HttpResponse, type HttpTransport } from './http/transport';
export { CircuitBreakers, type CircuitBreakerOptions } from './http/circuit-breaker';
export { deadlineIn, NO_DEADLINE, type Deadline } from './http/deadline';
export { certificateUrls, type CertificateUrls } from './cert-urls';
export { LookupProblemCode, type FreshnessOptions, type LookupProblem } from './problems';
export { OcspRevocationSource, buildOcspRequest, readOcspResponse, OCSP_OIDS, type OcspReading, type OcspSourceOptions } from './ocsp/ocsp-source';
export { CrlRevocationSource, type CrlSourceOptions } from './crl/crl-source';
export { OcspThenCrlRevocationSource, withDeadline, type DeadlineAwareRevocationSource } from './composite';
export { AiaIntermediateSource, certificatesIn, intermediatesWithDeadline, type AiaSourceOptions } from './aia/aia-intermediate-source';
export { createNetworkSources, pooledThenFetched, type NetworkSources, type NetworkSourcesOptions, type PackageSources } from './network-sources';
export { EvidenceRevocationSource, type EvidenceSourceOptions, type RecordedAnswer } from './evidence/evidence-revocation-source';
