import { defineEvent } from '../catalogue';

// Events of a connected system's legacy-API credential (aggregate id = the system id, topic
// `vdx.legacy-edge.events.v1`, written only by the operator's `vdx system secret issue`).
// Types are chosen once; changes are additive (new versions).

const ns = 'vdx.legacy_edge.v1';

/**
 * A new HMAC secret was issued to a connected system for the legacy VXP HTTP API. The secret
 * itself never travels in clear: `sealedSecret` is AES-256-GCM under the edge's configured key
 * (`v1.<iv>.<tag>.<ciphertext>`, base64url, bound to `systemId` and `secretId`). Secrets issued
 * earlier stay valid until `previousValidUntil` (an ISO-8601 instant; the issue instant itself
 * ends them at once), so a rotation has an overlap window.
 */
export interface SystemSecretIssued {
  readonly systemId: string;
  readonly secretId: string;
  readonly sealedSecret: string;
  readonly issuedAt: string;
  readonly previousValidUntil: string;
}

export const SystemSecretIssuedEvent = defineEvent<'vdx.legacy-edge.SystemSecretIssued', SystemSecretIssued>('vdx.legacy-edge.SystemSecretIssued', [
  {
    type: 'record',
    name: 'SystemSecretIssued',
    namespace: ns,
    fields: [
      { name: 'systemId', type: 'string' },
      { name: 'secretId', type: 'string' },
      { name: 'sealedSecret', type: 'string' },
      { name: 'issuedAt', type: 'string' },
      { name: 'previousValidUntil', type: 'string' },
    ],
  },
]);

export const LEGACY_EDGE_EVENTS = [SystemSecretIssuedEvent] as const;
