/** Why a recipient or a whole package could not be routed; every code is prefixed `ROUTING.`. */
export const RoutingErrorCode = {
  /** A requested code is not a canonical agency code. */
  MALFORMED_RECIPIENT: 'ROUTING.MALFORMED_RECIPIENT',
  /** A requested code is unknown to the directory. */
  UNKNOWN_RECIPIENT: 'ROUTING.UNKNOWN_RECIPIENT',
  /** A requested code is retired and no current successor stands for it. */
  RETIRED_WITHOUT_SUCCESSOR: 'ROUTING.RETIRED_WITHOUT_SUCCESSOR',
  /** The recipient (after successor resolution) is suspended. */
  RECIPIENT_SUSPENDED: 'ROUTING.RECIPIENT_SUSPENDED',
  /** Neither the recipient nor any ancestor has an active connected system. */
  NOT_CONNECTED: 'ROUTING.NOT_CONNECTED',
  /** The package names no recipient, or none could be reached. */
  NO_RECIPIENT: 'ROUTING.NO_RECIPIENT',
  /** The document a revoke/update/replace or a status is about was never routed. */
  UNKNOWN_DOCUMENT: 'ROUTING.UNKNOWN_DOCUMENT',
  /** A revoke/update/replace or a recall (13) from an agency that did not issue the document. */
  NOT_THE_SENDER: 'ROUTING.NOT_THE_SENDER',
  /** A status from an agency that never received the document. */
  NOT_A_RECIPIENT: 'ROUTING.NOT_A_RECIPIENT',
  /** A status that cannot follow the recipient's earlier ones (backwards, after a return or a withdrawal, an answer to no recall). */
  IMPOSSIBLE_TRANSITION: 'ROUTING.IMPOSSIBLE_TRANSITION',
  /** A package kind, business document type or status code routing does not handle. */
  UNSUPPORTED_PACKAGE: 'ROUTING.UNSUPPORTED_PACKAGE',
} as const;

/** One of the {@link RoutingErrorCode} values. */
export type RoutingErrorCode = (typeof RoutingErrorCode)[keyof typeof RoutingErrorCode];

/** Every routing error code. */
export const ROUTING_ERROR_CODES: readonly RoutingErrorCode[] = Object.freeze(Object.values(RoutingErrorCode));
