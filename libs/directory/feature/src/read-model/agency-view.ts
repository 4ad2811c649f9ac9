import type { Document } from 'mongodb';

/** An agency as the query side returns it. */
export interface AgencyView {
  readonly code: string;
  readonly name: string;
  readonly parentCode: string | null;
  readonly email: string | null;
  readonly inCharge: string | null;
  readonly status: 'active' | 'suspended' | 'retired';
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly successorCode: string | null;
  readonly systems: readonly { systemId: string; credentialFingerprint: string; endpoint: string | null }[];
  readonly level: number;
  readonly version: number;
}

export function toView(doc: Document): AgencyView {
  const systems = Object.values((doc['systems'] as Record<string, AgencyView['systems'][number]> | undefined) ?? {});
  return {
    code: doc['code'] as string,
    name: doc['name'] as string,
    parentCode: (doc['parentCode'] as string | null) ?? null,
    email: (doc['email'] as string | null) ?? null,
    inCharge: (doc['inCharge'] as string | null) ?? null,
    status: doc['status'] as AgencyView['status'],
    validFrom: doc['validFrom'] as string,
    validTo: (doc['validTo'] as string | null) ?? null,
    successorCode: (doc['successorCode'] as string | null) ?? null,
    systems: systems.sort((a, b) => a.systemId.localeCompare(b.systemId)),
    level: doc['level'] as number,
    version: doc['version'] as number,
  };
}
