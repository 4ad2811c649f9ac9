import type { InboxItem, SendReceipt, Trace } from '@vdx/exchange-client';

export type { InboxItem, SendReceipt, Trace } from '@vdx/exchange-client';

/**
 * The axis as one connected system sees it through `vdx.exchange.v1`: the same intake, inbox,
 * fetch, acknowledge and trace as the gRPC edge, acting with that system's identity. Refusals
 * are errors with the axis's `code` (`EXCHANGE.NOT_AUTHORISED`, `DELIVERY.NOT_FETCHED`, …).
 */
export interface AxisPort {
  /** `recipientCodes` (canonical), when given, replace the package's own recipients. */
  send(systemId: string, body: Buffer, opts: { senderCode: string; kind: 'edoc' | 'status'; clientRef: string; recipientCodes?: readonly string[] }): Promise<SendReceipt>;
  /** Every item (all pages) of the inbox of the agencies the system acts for. */
  listInbox(systemId: string, req: { kind: 'edoc' | 'status' | ''; state?: string }): Promise<InboxItem[]>;
  fetch(systemId: string, deliveryId: string): Promise<Buffer>;
  acknowledge(systemId: string, deliveryId: string, result: 'done' | 'fail', reason: string): Promise<{ deliveryId: string; state: string }>;
  trace(systemId: string, packageId: string): Promise<Trace>;
}

/** An agency as the directory's gRPC API describes it. */
export interface DirectoryAgency {
  readonly code: string;
  readonly name: string;
  readonly parentCode: string;
  readonly email: string;
  readonly inCharge: string;
  /** active | suspended | retired */
  readonly status: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly successorCode: string;
  readonly systems: readonly { readonly systemId: string }[];
  readonly level: number;
  readonly version: number;
}

/**
 * The directory: authorisation (the gateway's `mayActFor`, for the system's credential), the
 * change feed, and the commands the legacy API exposes. Refusals carry `DIRECTORY.*` codes.
 */
export interface DirectoryPort {
  /** Whether the system may act for `code`: the agency's own system, or its nearest connected ancestor's. */
  mayActFor(systemId: string, code: string): boolean;
  /** The active agencies the system is connected to (for messages naming what it serves). */
  agenciesOf(systemId: string): string[];
  /** One page of the change feed after `cursor` (`""` from the beginning): each agency once, in its latest state. */
  changes(cursor: string): Promise<{ agencies: DirectoryAgency[]; cursor: string; more: boolean }>;
  get(code: string): Promise<DirectoryAgency | undefined>;
  register(agency: { code: string; name: string; email: string; inCharge: string }): Promise<void>;
  retire(code: string, reason: string): Promise<void>;
}

/** The currently valid legacy-API secrets of a system (none when it has no credential). */
export interface SecretsPort {
  secretsOf(systemId: string, now: Date): readonly string[];
}
