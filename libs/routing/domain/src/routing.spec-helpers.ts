import { parseAgencyCodeOrThrow } from '@vdx/agency-code';
import type { AgencySnapshot, PackageRef } from '@vdx/contracts';
import type { RoutingDecision } from './decision';
import type { DirectoryView, DocumentView, RoutedDocument } from './ports';
import { routePackage } from './route-package';

// Tây Ninh-like world: a province, a department under it, a unit under the department.
export const PROVINCE = '000.00.00.H53';
export const DEPARTMENT = '000.00.32.H53';
export const UNIT = '000.20.32.H53';
export const OTHER_PROVINCE = '000.00.00.H40';

/** Options of a test agency; the parent is derived from the code. */
export interface AgencyOptions {
  readonly status?: AgencySnapshot['status'];
  readonly successorCode?: string | null;
  /** systemIds of connected systems (endpoint `grpcs://<systemId>.example:443`). */
  readonly systems?: readonly string[];
}

/** An AgencySnapshot as the directory would publish it. */
export function agency(code: string, options: AgencyOptions = {}): AgencySnapshot {
  return {
    code,
    name: `Agency ${code}`,
    parentCode: parseAgencyCodeOrThrow(code).parent?.toString() ?? null,
    email: null,
    inCharge: null,
    status: options.status ?? 'active',
    validFrom: '2026-01-01T00:00:00.000Z',
    validTo: options.status === 'retired' ? '2026-06-30T00:00:00.000Z' : null,
    successorCode: options.successorCode ?? null,
    systems: (options.systems ?? []).map((systemId) => ({
      systemId,
      credentialFingerprint: systemId.padEnd(64, '0').slice(0, 64),
      endpoint: `grpcs://${systemId}.example:443`,
    })),
    version: 1,
  };
}

const MAX_CHAIN = 64;

/** In-memory directory answering like `DirectoryIndex` (same successor and hub logic). */
export class FakeDirectory implements DirectoryView {
  private readonly agencies: ReadonlyMap<string, AgencySnapshot>;

  constructor(agencies: readonly AgencySnapshot[]) {
    this.agencies = new Map(agencies.map((a) => [a.code, a]));
  }

  get(code: string): AgencySnapshot | undefined {
    return this.agencies.get(code);
  }

  resolveSuccessor(code: string): { code: string; via: readonly string[] } | undefined {
    const via: string[] = [];
    let current = this.agencies.get(code);
    while (current && current.status === 'retired') {
      if (via.length >= MAX_CHAIN || via.includes(current.code) || !current.successorCode) return undefined;
      via.push(current.code);
      current = this.agencies.get(current.successorCode);
    }
    return current ? { code: current.code, via } : undefined;
  }

  nearestConnected(code: string): AgencySnapshot | undefined {
    let current = this.agencies.get(code);
    for (let depth = 0; current && depth < 4; depth++) {
      if (current.status === 'active' && current.systems.length > 0) return current;
      current = current.parentCode ? this.agencies.get(current.parentCode) : undefined;
    }
    return undefined;
  }
}

/** In-memory document registry. */
export class FakeDocuments implements DocumentView {
  private readonly documents: ReadonlyMap<string, RoutedDocument>;

  constructor(documents: readonly RoutedDocument[] = []) {
    this.documents = new Map(documents.map((d) => [d.documentId, d]));
  }

  get(documentId: string): RoutedDocument | undefined {
    return this.documents.get(documentId);
  }
}

/** A new edoc from the province to `recipientCodes`, with `overrides` applied. */
export function edoc(recipientCodes: readonly string[], overrides: Partial<PackageRef> = {}): PackageRef {
  return {
    packageId: 'pkg-1',
    kind: 'edoc',
    senderCode: PROVINCE,
    systemId: 'qlvb',
    recipientCodes,
    documentId: 'doc-1',
    businessDocType: '0',
    relatedDocumentId: null,
    statusCode: null,
    subject: 'Công văn',
    priority: null,
    dueDate: null,
    bodySha256: 'ab'.repeat(32),
    bodySize: 1024,
    acceptedAt: '2026-07-01T00:00:00.000Z',
    ...overrides,
  };
}

/** A status package about `documentId` from `senderCode`. */
export function status(statusCode: string, senderCode: string, documentId: string | null = 'doc-1', overrides: Partial<PackageRef> = {}): PackageRef {
  return edoc([], { kind: 'status', senderCode, documentId, businessDocType: null, statusCode, subject: null, ...overrides });
}

/** Given/when/then: the directory and registry the package meets, the package, the decision. */
export function given(agencies: readonly AgencySnapshot[], documents: readonly RoutedDocument[] = []) {
  const directory = new FakeDirectory(agencies);
  const registry = new FakeDocuments(documents);
  return {
    directory,
    when(ref: PackageRef) {
      const decision = routePackage(ref, directory, registry);
      return {
        decision,
        /** Asserts a PackageRouted and returns its payload. */
        thenRouted() {
          expect(decision.type).toBe('vdx.routing.PackageRouted');
          return routedPayload(decision);
        },
        /** Asserts a RoutingRejected with `errorCode` and returns its payload. */
        thenRejected(errorCode: string) {
          expect(decision.type).toBe('vdx.routing.RoutingRejected');
          if (decision.type !== 'vdx.routing.RoutingRejected') throw new Error('not rejected');
          expect(decision.payload.errorCode).toBe(errorCode);
          expect(decision.payload.package).toBe(ref);
          return decision.payload;
        },
      };
    },
  };
}

function routedPayload(decision: RoutingDecision) {
  if (decision.type !== 'vdx.routing.PackageRouted') throw new Error(`expected PackageRouted, got ${JSON.stringify(decision.payload)}`);
  return decision.payload;
}
