import type { ErrorCode } from './error-codes';

/** The gRPC status codes (grpc/status.h; the same numbers as `status` of `@grpc/grpc-js`). */
export const GRPC_STATUS = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcStatusCode = (typeof GRPC_STATUS)[keyof typeof GRPC_STATUS];

/**
 * What a consumer step does with a record whose handling failed with a code:
 * - `retry`: an outage (the store, the broker, a partition owner): retried with backoff until it
 *   passes or the consumer stops; never dead-lettered;
 * - `retry-bounded`: a failure that might not recur: retried `maxAttempts` times, then
 *   dead-lettered (also what happens to an error without a code);
 * - `dead-letter`: the record can never succeed (bad input, undecodable): dead-lettered at once.
 */
export type ConsumerDisposition = 'retry' | 'retry-bounded' | 'dead-letter';

/** How one code is answered on each transport. */
export interface ErrorMapping {
  /** The gRPC status of a call refused with the code. INTERNAL and UNAVAILABLE are answered without the message (see `@vdx/service-kit`'s gRPC mapper). */
  readonly grpc: GrpcStatusCode;
  /** The HTTP status of a request refused with the code. */
  readonly http: number;
  /** What a consumer step does with a record that failed with the code. */
  readonly consumer: ConsumerDisposition;
}

const mapping = (grpc: GrpcStatusCode, http: number, consumer: ConsumerDisposition): ErrorMapping => Object.freeze({ grpc, http, consumer });

// The kinds of failure; HTTP statuses follow the usual gRPC ↔ HTTP correspondence.
/** Bad input: the same request can never succeed. */
const INVALID = mapping(GRPC_STATUS.INVALID_ARGUMENT, 400, 'dead-letter');
/** Bad input that is too big or too deep for a limit. */
const TOO_LARGE = mapping(GRPC_STATUS.RESOURCE_EXHAUSTED, 413, 'dead-letter');
/** Something named does not exist (yet: a read model may be behind, so a consumer tries again a few times). */
const NOT_FOUND = mapping(GRPC_STATUS.NOT_FOUND, 404, 'retry-bounded');
/** It exists already. */
const EXISTS = mapping(GRPC_STATUS.ALREADY_EXISTS, 409, 'dead-letter');
/** The state does not allow it (now). */
const PRECONDITION = mapping(GRPC_STATUS.FAILED_PRECONDITION, 400, 'retry-bounded');
/** Who asks is not known. */
const UNAUTHENTICATED = mapping(GRPC_STATUS.UNAUTHENTICATED, 401, 'dead-letter');
/** Who asks may not do it. */
const DENIED = mapping(GRPC_STATUS.PERMISSION_DENIED, 403, 'dead-letter');
/** Another attempt at the same thing is under way: try again shortly. */
const BUSY = mapping(GRPC_STATUS.ABORTED, 409, 'retry');
/** An outage: the store, the broker or a partition owner does not answer; nothing was done. */
const OUTAGE = mapping(GRPC_STATUS.UNAVAILABLE, 503, 'retry');
/** A fault of the axis itself (a bug, a broken configuration, missing or damaged data). */
const INTERNAL = mapping(GRPC_STATUS.INTERNAL, 500, 'retry-bounded');
/** Bytes that will never decode. */
const CORRUPT = mapping(GRPC_STATUS.INTERNAL, 500, 'dead-letter');

/**
 * Every error code → its gRPC status, HTTP status and consumer disposition. The type makes it
 * exhaustive: a code added to `ERROR_CODES` without an entry here fails `tsc`.
 */
export const ERROR_MAP: { readonly [C in ErrorCode]: ErrorMapping } = {
  'AGENCY_CODE.EMPTY': INVALID,
  'AGENCY_CODE.WHITESPACE': INVALID,
  'AGENCY_CODE.WRONG_LENGTH': INVALID,
  'AGENCY_CODE.BAD_FORMAT': INVALID,
  'AGENCY_CODE.BAD_LEVEL1': INVALID,
  'AGENCY_CODE.GAP': INVALID,
  'AGENCY_CODE.BAD_COMPACT': INVALID,

  'BACKUP.BAD_ARGUMENTS': INVALID,
  'BACKUP.DIR_NOT_EMPTY': PRECONDITION,
  'BACKUP.NOTHING_TO_BACK_UP': PRECONDITION,
  'BACKUP.SOURCE_BLOB_CORRUPT': INTERNAL,
  'BACKUP.NOT_A_BACKUP': INVALID,
  'BACKUP.UNSUPPORTED_VERSION': INVALID,
  'BACKUP.CORRUPT': CORRUPT,
  'BACKUP.TARGET_NOT_EMPTY': PRECONDITION,
  'BACKUP.PARTITIONS_MISMATCH': PRECONDITION,
  'BACKUP.RESTORE_MISMATCH': INTERNAL,
  'BACKUP.BAD_RECORD': CORRUPT,
  'BACKUP.STORE_UNREACHABLE': OUTAGE,

  // A body the axis should hold but cannot find or read back is the axis's fault, not the caller's.
  'BLOB.NOT_FOUND': INTERNAL,
  'BLOB.TOO_LARGE': TOO_LARGE,
  'BLOB.INVALID_HASH': INVALID,
  'BLOB.STORE_UNAVAILABLE': OUTAGE,
  'BLOB.CORRUPT': INTERNAL,

  'CONFIG.INVALID': INTERNAL,

  'CONTRACTS.UNKNOWN_EVENT_TYPE': CORRUPT,
  'CONTRACTS.UNKNOWN_SCHEMA': CORRUPT,
  'CONTRACTS.INVALID_PAYLOAD': CORRUPT,
  'CONTRACTS.INVALID_ENVELOPE': CORRUPT,
  'CONTRACTS.MISSING_HEADER': CORRUPT,
  'CONTRACTS.UNDECODABLE': CORRUPT,
  'CONTRACTS.DUPLICATE_SCHEMA': INTERNAL,

  'DELIVERIES.BAD_LIMIT': INVALID,
  'DELIVERIES.NOTHING_TO_REDRIVE': PRECONDITION,
  'DELIVERIES.REDRIVE_FAILED': BUSY,
  'DELIVERIES.SERVICE_UNREACHABLE': OUTAGE,

  'DELIVERY.UNKNOWN_DELIVERY': NOT_FOUND,
  'DELIVERY.NOT_FETCHED': PRECONDITION,
  'DELIVERY.ALREADY_ACKNOWLEDGED': PRECONDITION,
  'DELIVERY.NOT_DEAD': PRECONDITION,
  'DELIVERY.WRONG_SYSTEM': DENIED,
  'DELIVERY.WITHDRAWN': PRECONDITION,
  'DELIVERY.INVALID_FIELD': INVALID,
  'DELIVERY.UNAUTHENTICATED': UNAUTHENTICATED,
  'DELIVERY.PERMISSION_DENIED': DENIED,
  'DELIVERY.UNAVAILABLE': OUTAGE,
  'DELIVERY.INTERNAL': INTERNAL,

  'DEV.AXIS_STATE_UNREADABLE': CORRUPT,

  'DEMO.BAD_ARGUMENTS': INVALID,
  'DEMO.AXIS_UNREACHABLE': OUTAGE,
  'DEMO.PKI_MISSING': PRECONDITION,
  'DEMO.AXIS_NOT_READY': OUTAGE,
  'DEMO.SETUP_FAILED': PRECONDITION,

  'DIRECTORY.MALFORMED_CODE': INVALID,
  'DIRECTORY.DUPLICATE_CODE': EXISTS,
  'DIRECTORY.UNKNOWN_AGENCY': NOT_FOUND,
  'DIRECTORY.PARENT_UNKNOWN': PRECONDITION,
  'DIRECTORY.PARENT_RETIRED': PRECONDITION,
  'DIRECTORY.AGENCY_RETIRED': PRECONDITION,
  'DIRECTORY.NOT_SUSPENDED': PRECONDITION,
  'DIRECTORY.ALREADY_SUSPENDED': PRECONDITION,
  'DIRECTORY.SUCCESSOR_UNKNOWN': PRECONDITION,
  'DIRECTORY.SUCCESSOR_RETIRED': PRECONDITION,
  'DIRECTORY.SUCCESSOR_CYCLE': PRECONDITION,
  'DIRECTORY.INVALID_FIELD': INVALID,
  'DIRECTORY.INVALID_CURSOR': INVALID,
  'DIRECTORY.NO_SUCCESSOR': PRECONDITION,
  'DIRECTORY.UNAUTHENTICATED': UNAUTHENTICATED,
  'DIRECTORY.PERMISSION_DENIED': DENIED,
  'DIRECTORY.UNAVAILABLE': OUTAGE,
  'DIRECTORY.INTERNAL': INTERNAL,

  'DLQ.UNKNOWN_GROUP': NOT_FOUND,
  'DLQ.NOT_FOUND': NOT_FOUND,
  'DLQ.NO_SOURCE': PRECONDITION,
  'DLQ.NOTHING_TO_REPLAY': PRECONDITION,
  'DLQ.ALREADY_REPLAYED': PRECONDITION,
  'DLQ.BAD_ID': INVALID,
  'DLQ.BAD_ARGUMENTS': INVALID,
  'DLQ.COMMAND_MOVED': INVALID,

  'EDXML.MALFORMED_XML': INVALID,
  'EDXML.DTD_FORBIDDEN': INVALID,
  'EDXML.ENTITY_FORBIDDEN': INVALID,
  'EDXML.UNSUPPORTED_ENCODING': INVALID,
  'EDXML.TOO_LARGE': TOO_LARGE,
  'EDXML.TOO_DEEP': TOO_LARGE,
  'EDXML.TOO_MANY_ELEMENTS': TOO_LARGE,
  'EDXML.TEXT_TOO_LARGE': TOO_LARGE,
  'EDXML.NOT_EDXML': INVALID,
  // The sink the body streams into failed: the cause says why (an outage is handled as its cause).
  'EDXML.SINK_FAILED': INTERNAL,
  'EDXML.INVALID_CHARACTER': INVALID,
  'EDXML.INVALID_SIGNATURE_XML': INVALID,
  'EDXML.MISSING_CONTENT': INVALID,

  'EXCHANGE.UNAUTHENTICATED': UNAUTHENTICATED,
  'EXCHANGE.NOT_AUTHORISED': DENIED,
  'EXCHANGE.INVALID_ARGUMENT': INVALID,
  'EXCHANGE.NOT_FOUND': NOT_FOUND,
  'EXCHANGE.PROTOCOL': INVALID,
  'EXCHANGE.BODY_TOO_LARGE': TOO_LARGE,
  'EXCHANGE.SEND_IN_PROGRESS': BUSY,
  // Load shed before the body is read: nothing was recorded, the same call succeeds later.
  'EXCHANGE.OVERLOADED': mapping(GRPC_STATUS.RESOURCE_EXHAUSTED, 503, 'retry'),
  'EXCHANGE.UNAVAILABLE': OUTAGE,
  'EXCHANGE.INTERNAL': INTERNAL,

  'IMAGES.APT_MISSING': PRECONDITION,
  'IMAGES.BAD_PROJECT': INVALID,
  'IMAGES.COMMAND_FAILED': INTERNAL,
  'IMAGES.COMPOSE_CHECK_BUILD': INTERNAL,
  'IMAGES.GO_MISSING': PRECONDITION,
  'IMAGES.IMPORT_FAILED': INTERNAL,
  'IMAGES.INFRA_NOT_PROVISIONED': PRECONDITION,
  'IMAGES.JLINK_FAILED': INTERNAL,
  'IMAGES.JLINK_MISSING': PRECONDITION,
  'IMAGES.LOCKFILE': PRECONDITION,
  'IMAGES.NATIVE_CLIENT_MISSING': PRECONDITION,
  'IMAGES.NOT_DEBIAN': PRECONDITION,
  'IMAGES.NO_APT_SOURCES': PRECONDITION,
  'IMAGES.NO_CONTAINER': INVALID,
  'IMAGES.POD_CONTAINERS': INVALID,
  'IMAGES.POD_ENV_UNRESOLVED': INVALID,
  'IMAGES.POD_PORT_UNKNOWN': INVALID,
  'IMAGES.POD_PROBE_PORT': INVALID,
  'IMAGES.POD_VOLUME_UNMAPPED': INVALID,
  'IMAGES.PYTHON_VENV': PRECONDITION,
  'IMAGES.TOOL_MISSING': PRECONDITION,
  'IMAGES.UNKNOWN_CONTEXT': INVALID,
  'IMAGES.UNKNOWN_IMAGE': INVALID,

  'IMPORT.UNKNOWN_FORMAT': INVALID,
  'IMPORT.MALFORMED_FILE': INVALID,
  'IMPORT.FILE_TOO_LARGE': TOO_LARGE,
  'IMPORT.FILE_NOT_FOUND': NOT_FOUND,
  'IMPORT.DIRECTORY_UNREACHABLE': OUTAGE,

  'INFRA.FAILED': INTERNAL,

  'LEGACY.UNKNOWN_OPERATION': INVALID,
  'LEGACY.MISSING_SIGNATURE': UNAUTHENTICATED,
  'LEGACY.MALFORMED_SIGNED_HEADERS': INVALID,
  'LEGACY.UNKNOWN_SYSTEM': UNAUTHENTICATED,
  'LEGACY.BAD_SIGNATURE': UNAUTHENTICATED,
  'LEGACY.MISSING_PARAMETER': INVALID,
  'LEGACY.INVALID_PARAMETER': INVALID,
  'LEGACY.NOT_AUTHORISED': DENIED,
  'LEGACY.NOT_FOUND': NOT_FOUND,
  'LEGACY.EMPTY_BODY': INVALID,
  'LEGACY.BODY_TOO_LARGE': TOO_LARGE,
  'LEGACY.HASH_FILE_MISMATCH': INVALID,
  'LEGACY.INVALID_JSON': INVALID,
  'LEGACY.NOT_UTF8': INVALID,
  'LEGACY.UNAVAILABLE': OUTAGE,
  'LEGACY.INTERNAL': INTERNAL,

  'MESSAGING.HANDLER_FAILED': INTERNAL,
  'MESSAGING.UNDECODABLE': CORRUPT,
  'MESSAGING.PRODUCE_FAILED': OUTAGE,
  'MESSAGING.TOPIC_PROVISIONING_FAILED': OUTAGE,
  'MESSAGING.NOT_CONNECTED': OUTAGE,
  // Another instance took over this one's transactional id: nothing this instance does can be
  // written any more; a consumer waits for its own stop instead of dead-lettering good records.
  'MESSAGING.FENCED': OUTAGE,
  'MESSAGING.PARTITIONS_MISMATCH': PRECONDITION,
  'MESSAGING.COMMIT_FAILED': OUTAGE,
  // The partition is owned elsewhere or not settled yet: the caller goes through the owner instead.
  'MESSAGING.NOT_OWNED_HERE': OUTAGE,

  // Revocation look-ups never fail a package: the adapters report them as "no answer".
  'NETWORK.URL_NOT_ALLOWED': INVALID,
  'NETWORK.TIMEOUT': OUTAGE,
  'NETWORK.BUDGET_EXHAUSTED': mapping(GRPC_STATUS.RESOURCE_EXHAUSTED, 429, 'retry-bounded'),
  'NETWORK.CIRCUIT_OPEN': OUTAGE,
  'NETWORK.UNREACHABLE': OUTAGE,
  'NETWORK.HTTP_STATUS': mapping(GRPC_STATUS.UNAVAILABLE, 502, 'retry'),
  'NETWORK.TOO_LARGE': TOO_LARGE,
  'NETWORK.BAD_OPTION': INVALID,

  'PKI.INVALID_SYSTEM_ID': INVALID,
  'PKI.INVALID_OPTION': INVALID,
  'PKI.BAD_CA': PRECONDITION,
  'PKI.BAD_CERTIFICATE': INVALID,
  'PKI.NOT_FOUND': NOT_FOUND,
  'PKI.EXISTS': EXISTS,
  'PKI.INVALID_NAME': INVALID,
  'PKI.WRONG_IDENTITY': INVALID,

  'REPLAY.PROJECTION_RUNNING': PRECONDITION,
  'REPLAY.CHECKPOINT_MISMATCH': PRECONDITION,
  'REPLAY.CHECKPOINT_STALE': PRECONDITION,
  'REPLAY.SUPERSEDED': BUSY,
  'REPLAY.FAILED': INTERNAL,
  'REPLAY.UNKNOWN_MODEL': INVALID,
  'REPLAY.MODEL_REQUIRED': INVALID,
  'REPLAY.BAD_ARGUMENTS': INVALID,
  'REPLAY.STORE_UNREACHABLE': OUTAGE,
  'PROJECTION.STORE_REFUSED': OUTAGE,

  'SIGNATURE.BAD_CONFIG': INTERNAL,
  'SIGNATURE.BAD_EVIDENCE': CORRUPT,
  'SIGNATURE.VERDICT_NOT_FOUND': NOT_FOUND,
  'SIGNATURE.NO_EVIDENCE': NOT_FOUND,
  'SIGNATURE.NOT_INDETERMINATE': PRECONDITION,
  'SIGNATURE.ACCEPTANCE_NOT_FOUND': NOT_FOUND,
  'SIGNATURE.BAD_OPTION': INVALID,

  'STATISTICS.BAD_PARAMETER': INVALID,
  'STATISTICS.BAD_PERIOD': INVALID,
  'STATISTICS.BAD_DATE': INVALID,
  'STATISTICS.BAD_RANGE': INVALID,
  'STATISTICS.RANGE_TOO_LONG': INVALID,
  'STATISTICS.BAD_AGENCY': INVALID,
  'STATISTICS.BAD_CHOICE': INVALID,
  'STATISTICS.BAD_LIMIT': INVALID,
  'STATISTICS.REPLAY_RESUMED': PRECONDITION,
  'STATISTICS.LOGIN_REQUIRED': UNAUTHENTICATED,
  'STATISTICS.SESSION_INVALID': UNAUTHENTICATED,
  'STATISTICS.BAD_CREDENTIALS': UNAUTHENTICATED,
  'STATISTICS.BAD_LOGIN_BODY': INVALID,
  'STATISTICS.OUTSIDE_SCOPE': DENIED,
  'STATISTICS.NOT_FOUND': mapping(GRPC_STATUS.NOT_FOUND, 404, 'dead-letter'),
  'STATISTICS.BAD_ACCOUNTS': INTERNAL,
  'STATISTICS.TOO_MANY_LOGINS': mapping(GRPC_STATUS.RESOURCE_EXHAUSTED, 429, 'dead-letter'),
  'STATISTICS.BAD_SEARCH': INVALID,
  'STATISTICS.BAD_DOCUMENT_ID': INVALID,
  'STATISTICS.BAD_DELIVERY_ID': INVALID,
  'STATISTICS.ROLE_FORBIDDEN': DENIED,
  'STATISTICS.UNKNOWN_DOCUMENT': NOT_FOUND,
  'STATISTICS.DELIVERY_UNAVAILABLE': OUTAGE,
  'STATISTICS.IDENTITY_NOT_CONFIGURED': mapping(GRPC_STATUS.NOT_FOUND, 404, 'dead-letter'),
  'STATISTICS.IDENTITY_UNAVAILABLE': OUTAGE,
  'STATISTICS.IDENTITY_STATE_MISMATCH': INVALID,
  'STATISTICS.IDENTITY_REFUSED': UNAUTHENTICATED,
  'STATISTICS.IDENTITY_NO_ROLE': DENIED,
  'STATISTICS.IDENTITY_AMBIGUOUS_ROLE': DENIED,
  'STATISTICS.IDENTITY_BAD_AGENCY': DENIED,
  'STATISTICS.IDENTITY_INSECURE_ISSUER': INTERNAL,

  'TESTING.WAIT_TIMEOUT': mapping(GRPC_STATUS.DEADLINE_EXCEEDED, 504, 'retry-bounded'),
  'TESTING.STOP_WAITING': mapping(GRPC_STATUS.ABORTED, 409, 'dead-letter'),

  'VALIDATOR.BAD_TRUST_ANCHOR': INTERNAL,
  'VALIDATOR.BAD_INTERMEDIATE': INTERNAL,
  'VALIDATOR.BAD_RULE': INTERNAL,
};

/** The mapping of a code, or undefined for anything that is not a code of the catalogue. */
export function errorMappingOf(code: unknown): ErrorMapping | undefined {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_MAP, code) ? ERROR_MAP[code as ErrorCode] : undefined;
}

/** The HTTP status a request refused with `code` is answered with (500 for a code the catalogue does not know). */
export function httpStatusOf(code: ErrorCode | string): number {
  return errorMappingOf(code)?.http ?? 500;
}

/** The string `code` an error carries, when it carries one (any thrown value). */
export function codeOf(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

const DRIVER_OUTAGE_NAMES = /^(MongoNetworkError|MongoNetworkTimeoutError|MongoServerSelectionError|MongoNotConnectedError|MongoTopologyClosedError|MongoWriteConcernError)$/;
const SOCKET_OUTAGE_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH)$/;
// A code of another service the catalogue does not know (a newer peer): `<AREA>.UNAVAILABLE` reads as an outage.
const FOREIGN_OUTAGE_CODE = /^[A-Z][A-Z_]*\.(STORE_)?UNAVAILABLE$/;

/**
 * True for an outage rather than bad input: a code the map answers UNAVAILABLE, a gRPC call
 * that ended UNAVAILABLE or DEADLINE_EXCEEDED without a code of ours, a store driver's network
 * error, a socket error. An error that says `retryable: false` is never one.
 */
export function isOutage(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown; retryable?: unknown; grpcStatus?: unknown };
  if (e.retryable === false) return false;
  const mapped = errorMappingOf(e.code);
  if (mapped) return mapped.grpc === GRPC_STATUS.UNAVAILABLE;
  // A gRPC call that got no code of ours: the service is unreachable or did not answer in time.
  if (typeof e.grpcStatus === 'number') return e.grpcStatus === GRPC_STATUS.UNAVAILABLE || e.grpcStatus === GRPC_STATUS.DEADLINE_EXCEEDED;
  if (typeof e.name === 'string' && DRIVER_OUTAGE_NAMES.test(e.name)) return true;
  return typeof e.code === 'string' && (SOCKET_OUTAGE_CODES.test(e.code) || FOREIGN_OUTAGE_CODE.test(e.code));
}

/**
 * What a consumer step does with a record whose handling threw `err`: an error saying
 * `retryable: false` is dead-lettered at once, a code of the catalogue as `ERROR_MAP` says, an
 * uncoded outage (a driver's or socket's) retried until it passes, anything else retried a few
 * times and then dead-lettered.
 */
export function consumerDispositionOf(err: unknown): ConsumerDisposition {
  if (typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false) return 'dead-letter';
  const mapped = errorMappingOf(codeOf(err));
  if (mapped) return mapped.consumer;
  return isOutage(err) ? 'retry' : 'retry-bounded';
}
