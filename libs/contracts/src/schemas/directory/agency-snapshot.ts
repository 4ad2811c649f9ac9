import { Type, type Schema } from 'avsc';
import { ContractError } from '../../envelope/contract.error';
import type { MessageHeaders } from '../../envelope/headers';

/** The compacted topic of current agencies: key = agency code, value = the latest AgencySnapshot. */
export const DIRECTORY_SNAPSHOT_TOPIC = 'vdx.directory.snapshot.v1';
export const SNAPSHOT_VERSION_HEADER = 'vdx-snapshot-version';

export interface AgencySystemSnapshot {
  readonly systemId: string;
  readonly credentialFingerprint: string;
  readonly endpoint: string | null;
}

/** An agency as the directory knows it now; what every service caches to route by. */
export interface AgencySnapshot {
  readonly code: string;
  readonly name: string;
  readonly parentCode: string | null;
  readonly email: string | null;
  readonly inCharge: string | null;
  readonly status: 'active' | 'suspended' | 'retired';
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly successorCode: string | null;
  readonly systems: readonly AgencySystemSnapshot[];
  /** Number of the agency's events folded in (its aggregate sequence). */
  readonly version: number;
}

const optionalString = ['null', 'string'];

// Versions are append-only like event schemas: readers resolve older versions with the newest.
const SNAPSHOT_SCHEMAS: readonly Schema[] = [
  {
    type: 'record',
    name: 'AgencySnapshot',
    namespace: 'vdx.directory.v1',
    fields: [
      { name: 'code', type: 'string' },
      { name: 'name', type: 'string' },
      { name: 'parentCode', type: optionalString, default: null },
      { name: 'email', type: optionalString, default: null },
      { name: 'inCharge', type: optionalString, default: null },
      { name: 'status', type: { type: 'enum', name: 'AgencyStatus', symbols: ['active', 'suspended', 'retired'] } },
      { name: 'validFrom', type: 'string' },
      { name: 'validTo', type: optionalString, default: null },
      { name: 'successorCode', type: optionalString, default: null },
      {
        name: 'systems',
        type: {
          type: 'array',
          items: {
            type: 'record',
            name: 'AgencySystem',
            fields: [
              { name: 'systemId', type: 'string' },
              { name: 'credentialFingerprint', type: 'string' },
              { name: 'endpoint', type: optionalString, default: null },
            ],
          },
        },
        default: [],
      },
      { name: 'version', type: 'long' },
    ],
  },
];

const types = SNAPSHOT_SCHEMAS.map((s) => Type.forSchema(s));
const current = types[types.length - 1]!;
const resolvers = types.map((t) => current.createResolver(t));

/** Encodes with the current schema; the version travels in a header. */
export function encodeAgencySnapshot(snapshot: AgencySnapshot): { value: Buffer; headers: Record<string, string> } {
  return { value: current.toBuffer(snapshot), headers: { [SNAPSHOT_VERSION_HEADER]: String(types.length) } };
}

/** Decodes a snapshot written with any known version. */
export function decodeAgencySnapshot(value: Buffer, headers: MessageHeaders): AgencySnapshot {
  const version = Number(headers[SNAPSHOT_VERSION_HEADER]?.toString() ?? '1');
  const resolver = resolvers[version - 1];
  if (!resolver) throw new ContractError('CONTRACTS.UNKNOWN_SCHEMA', `agency snapshot version ${String(headers[SNAPSHOT_VERSION_HEADER])} is unknown`);
  return current.fromBuffer(value, resolver) as AgencySnapshot;
}
