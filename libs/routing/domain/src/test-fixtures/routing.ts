import { nearestConnected, parseAgencyCodeOrThrow, resolveSuccessor } from '@vdx/agency-code';
import type { AgencySnapshot, PackageRef } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import type { Decider } from '@vdx/event-sourcing';
import { DeciderSpecification } from '@vdx/event-sourcing/testing';
import { ROUTING_REJECTED, type RoutingDecision } from '../decision';
import { documentAfter, statusAfter } from '../document-after';
import type { DirectoryView, DocumentView, RoutedDocument } from '../ports';
import { routePackage } from '../route-package';

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
    return resolveSuccessor((c) => this.agencies.get(c), code);
  }

  nearestConnected(code: string): AgencySnapshot | undefined {
    return nearestConnected((c) => this.agencies.get(c), code);
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
  return packageRefWith({
    packageId: 'pkg-1',
    senderCode: PROVINCE,
    recipientCodes,
    documentId: 'doc-1',
    businessDocType: '0',
    subject: 'Công văn',
    bodySha256: 'ab'.repeat(32),
    bodySize: 1024,
    acceptedAt: '2026-07-01T00:00:00.000Z',
    ...overrides,
  });
}

/** A status package about `documentId` from `senderCode`. */
export function status(statusCode: string, senderCode: string, documentId: string | null = 'doc-1', overrides: Partial<PackageRef> = {}): PackageRef {
  return edoc([], { kind: 'status', senderCode, documentId, businessDocType: null, statusCode, subject: null, ...overrides });
}

/** Routing's registry of the documents it routed, by documentId: the decider's state. */
export type Registry = ReadonlyMap<string, RoutedDocument>;

/** A registry holding `documents`. */
export function registry(...documents: readonly RoutedDocument[]): Registry {
  return new Map(documents.map((d) => [d.documentId, d]));
}

/**
 * Routing as a {@link Decider}: a package (the command) is decided against the registry of
 * routed documents and the directory (the context) into one decision, and a decision folds
 * into the registry as the routing owner folds it (`documentAfter`, or `statusAfter` for a
 * status): an update or a replacement builds on the related document, anything else on its own.
 */
export const routingDecider: Decider<PackageRef, RoutingDecision, Registry, DirectoryView> = {
  decide: (ref, documents, directory) => [routePackage(ref, directory, { get: (id) => documents.get(id) })],
  evolve: (documents, decision) => {
    const ref = decision.payload.package;
    const updatesEarlier = ref.kind === 'edoc' && (ref.businessDocType === '2' || ref.businessDocType === '3');
    const builtOn = updatesEarlier ? ref.relatedDocumentId : ref.documentId;
    const after =
      ref.kind === 'status'
        ? statusAfter(decision, ref.documentId === null ? undefined : documents.get(ref.documentId))
        : documentAfter(decision, builtOn === null ? undefined : documents.get(builtOn));
    return after ? new Map(documents).set(after.documentId, after) : documents;
  },
  initialState: () => new Map(),
};

/** Given/when/then for routing in a world of `agencies` (a {@link FakeDirectory}). */
export function routing(agencies: readonly AgencySnapshot[]) {
  return DeciderSpecification.for(routingDecider, { context: new FakeDirectory(agencies) });
}

/** The decision expected of a package routing refuses: a RoutingRejected with `errorCode`, about the package itself. */
export const rejectedWith =
  (errorCode: string) =>
  (ref: PackageRef): RoutingDecision[] => [{ type: ROUTING_REJECTED, payload: expect.objectContaining({ errorCode, package: ref }) }];
