import type { IntermediateSource, RevocationSource } from '@vdx/signature-validator';
import { AiaIntermediateSource, intermediatesWithDeadline, type AiaSourceOptions } from './aia/aia-intermediate-source';
import { OcspThenCrlRevocationSource, withDeadline, type DeadlineAwareRevocationSource } from './composite';
import { CrlRevocationSource, type CrlSourceOptions } from './crl/crl-source';
import { deadlineIn, type Deadline } from './http/deadline';
import { Fetcher, type FetcherOptions } from './http/fetcher';
import { NetworkError, NetworkErrorCode } from './network.error';
import { OcspRevocationSource, type OcspSourceOptions } from './ocsp/ocsp-source';
import type { FreshnessOptions, LookupProblem } from './problems';

/** Options of {@link createNetworkSources}. */
export interface NetworkSourcesOptions {
  readonly fetcher?: FetcherOptions;
  readonly freshness?: FreshnessOptions;
  readonly ocsp?: Omit<OcspSourceOptions, 'fetcher' | 'onProblem' | keyof FreshnessOptions>;
  readonly crl?: Omit<CrlSourceOptions, 'fetcher' | 'onProblem' | keyof FreshnessOptions>;
  readonly aia?: Omit<AiaSourceOptions, 'fetcher' | 'onProblem'>;
  /** All the look-ups of one package together take at most this long. Default 20,000 ms. */
  readonly packageBudgetMs?: number;
  readonly onProblem?: (problem: LookupProblem) => void;
}

/** The ports one package's verification uses, sharing the caches, breakers and slots of all packages. */
export interface PackageSources {
  readonly revocation: RevocationSource;
  readonly intermediates: IntermediateSource;
  readonly deadline: Deadline;
}

/** Long-lived network adapters: create once per process, take {@link NetworkSources.forPackage} per package. */
export interface NetworkSources {
  readonly fetcher: Fetcher;
  readonly ocsp: OcspRevocationSource;
  readonly crl: CrlRevocationSource;
  readonly revocation: DeadlineAwareRevocationSource;
  readonly aia: AiaIntermediateSource;
  forPackage(): PackageSources;
}

/** OCSP then CRL for revocation, AIA for intermediates, behind one fetcher. */
export function createNetworkSources(opts: NetworkSourcesOptions = {}): NetworkSources {
  const budget = opts.packageBudgetMs ?? 20_000;
  if (!(budget > 0)) throw new NetworkError(NetworkErrorCode.BAD_OPTION, 'packageBudgetMs must be positive');
  const fetcher = new Fetcher(opts.fetcher);
  const common = { fetcher, ...opts.freshness, ...(opts.onProblem ? { onProblem: opts.onProblem } : {}) };
  const ocsp = new OcspRevocationSource({ ...opts.ocsp, ...common });
  const crl = new CrlRevocationSource({ ...opts.crl, ...common });
  const aia = new AiaIntermediateSource({ ...opts.aia, fetcher, ...(opts.onProblem ? { onProblem: opts.onProblem } : {}) });
  const revocation = new OcspThenCrlRevocationSource(ocsp, crl);
  return {
    fetcher,
    ocsp,
    crl,
    revocation,
    aia,
    forPackage() {
      const deadline = deadlineIn(budget, fetcher.clock);
      return { revocation: withDeadline(revocation, deadline), intermediates: intermediatesWithDeadline(aia, deadline), deadline };
    },
  };
}

/** Intermediates from a configured pool first, then from the network. */
export function pooledThenFetched(pool: IntermediateSource, fetched: IntermediateSource): IntermediateSource {
  return {
    async findIssuers(query) {
      const known = await pool.findIssuers(query).catch(() => []);
      return known.length > 0 ? known : fetched.findIssuers(query);
    },
  };
}
