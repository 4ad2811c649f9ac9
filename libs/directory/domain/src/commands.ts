/**
 * Commands of the Agency aggregate. `code` is the aggregate id. Optional text fields take
 * `null` for "none"; in UpdateAgency an absent field keeps its current value.
 */
export type AgencyCommand =
  | {
      readonly kind: 'RegisterAgency';
      readonly code: string;
      readonly name: string;
      readonly email?: string | null;
      readonly inCharge?: string | null;
    }
  | {
      readonly kind: 'UpdateAgency';
      readonly code: string;
      readonly name?: string;
      readonly email?: string | null;
      readonly inCharge?: string | null;
    }
  | {
      readonly kind: 'ConnectSystem';
      readonly code: string;
      readonly systemId: string;
      /** SHA-256 of the client certificate: 64 hex digits, colons and case ignored. */
      readonly credentialFingerprint: string;
      readonly endpoint?: string | null;
    }
  | { readonly kind: 'SuspendAgency'; readonly code: string; readonly reason: string }
  | { readonly kind: 'ReinstateAgency'; readonly code: string }
  | { readonly kind: 'RetireAgency'; readonly code: string; readonly successorCode?: string | null; readonly reason: string };

export type AgencyCommandKind = AgencyCommand['kind'];
