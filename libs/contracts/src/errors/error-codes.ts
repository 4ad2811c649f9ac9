// Every code a coded error of the project can carry, by area. Codes are stable and part of the
// public contract: clients, the CLI and the dead-letter headers switch on them. Add codes, never
// rename or remove one. Each code also needs its entry in `ERROR_MAP` (error-map.ts), which
// `tsc` enforces. Codes that describe a package rather than a failure (edXML findings, the
// reasons of `PackageRejected`, `SignatureRejected` and `RoutingRejected`, importer row
// rejections, revocation look-up problems) are not errors and are not listed here.

export const ERROR_CODES = {
  /** Malformed agency identifier codes (`@vdx/agency-code`, `AgencyCodeError`). */
  AGENCY_CODE: [
    /** The input is empty or only whitespace. */
    'AGENCY_CODE.EMPTY',
    /** The input has surrounding whitespace and the caller asked for `whitespace: 'reject'`. */
    'AGENCY_CODE.WHITESPACE',
    /** The canonical form is not exactly 13 characters long (after trimming). */
    'AGENCY_CODE.WRONG_LENGTH',
    /** A separator is not `.` or a level 2–4 character is not an ASCII digit. */
    'AGENCY_CODE.BAD_FORMAT',
    /** Level 1 is not an uppercase ASCII letter plus two digits, or its number is `00`. */
    'AGENCY_CODE.BAD_LEVEL1',
    /** A lower level is used while a higher level is zero (e.g. `001.00.05.H53`). */
    'AGENCY_CODE.GAP',
    /** The compact form (Decision 20/2020) is malformed in a level 2–4 segment or has too many segments. */
    'AGENCY_CODE.BAD_COMPACT',
  ],
  /** `vdx backup` and `vdx restore` (`tools/cli`, `BackupError`). */
  BACKUP: [
    'BACKUP.BAD_ARGUMENTS',
    'BACKUP.DIR_NOT_EMPTY',
    'BACKUP.NOTHING_TO_BACK_UP',
    'BACKUP.SOURCE_BLOB_CORRUPT',
    'BACKUP.NOT_A_BACKUP',
    'BACKUP.UNSUPPORTED_VERSION',
    'BACKUP.CORRUPT',
    'BACKUP.TARGET_NOT_EMPTY',
    'BACKUP.PARTITIONS_MISMATCH',
    'BACKUP.RESTORE_MISMATCH',
    /** Bytes that are not a record file (`RecordFormatError`, turned into `BACKUP.CORRUPT` by the restore). */
    'BACKUP.BAD_RECORD',
    /** The store (`--mongo-url`) does not answer: nothing was read or written. */
    'BACKUP.STORE_UNREACHABLE',
  ],
  /** The content-addressed blob store (`@vdx/blob-store`, `BlobStoreError`). */
  BLOB: ['BLOB.NOT_FOUND', 'BLOB.TOO_LARGE', 'BLOB.INVALID_HASH', 'BLOB.STORE_UNAVAILABLE', 'BLOB.CORRUPT'],
  /** The environment does not satisfy an app's schema (`@vdx/config`, `ConfigError`). */
  CONFIG: ['CONFIG.INVALID'],
  /** Turning events into bytes and back (`@vdx/contracts`, `ContractError`). */
  CONTRACTS: [
    /** The type is not in the catalogue. */
    'CONTRACTS.UNKNOWN_EVENT_TYPE',
    /** Unknown fingerprint, envelope schema or snapshot version; a definition with no schema. */
    'CONTRACTS.UNKNOWN_SCHEMA',
    /** The payload does not match its schema; `path` names the field. */
    'CONTRACTS.INVALID_PAYLOAD',
    /** Wrong `schemaVersion`, bad `occurredAt`, a type that differs from the schema header. */
    'CONTRACTS.INVALID_ENVELOPE',
    'CONTRACTS.MISSING_HEADER',
    /** No value, or bytes that do not decode. */
    'CONTRACTS.UNDECODABLE',
    /** A type declared twice, or two types with the same schema fingerprint. */
    'CONTRACTS.DUPLICATE_SCHEMA',
  ],
  /** `vdx deliveries dead` and `vdx deliveries redrive` (`tools/cli`, `DeliveriesCommandError`). */
  DELIVERIES: [
    'DELIVERIES.BAD_LIMIT',
    'DELIVERIES.NOTHING_TO_REDRIVE',
    'DELIVERIES.REDRIVE_FAILED',
    /** The delivery service (`--url`) does not answer: the axis is not running there. */
    'DELIVERIES.SERVICE_UNREACHABLE',
  ],
  /** The delivery service's refusals (`@vdx/delivery-domain`, `DeliveryError`). */
  DELIVERY: [
    'DELIVERY.UNKNOWN_DELIVERY',
    'DELIVERY.NOT_FETCHED',
    'DELIVERY.ALREADY_ACKNOWLEDGED',
    'DELIVERY.NOT_DEAD',
    'DELIVERY.WRONG_SYSTEM',
    'DELIVERY.WITHDRAWN',
    'DELIVERY.INVALID_FIELD',
    /** The call's client certificate is no service or operator identity of the axis (a connected system's, say): internal APIs take only those (docs/adr/0024-internal-mtls.md). */
    'DELIVERY.UNAUTHENTICATED',
    /** A service or operator identity that `DeliveryService`'s authorisation table does not allow to make this call. */
    'DELIVERY.PERMISSION_DENIED',
    /** The partition that owns the delivery did not answer in time; nothing is known to have changed. */
    'DELIVERY.UNAVAILABLE',
    /** What `DeliveryService` answers for a failure that is not a refusal (logged, details withheld). */
    'DELIVERY.INTERNAL',
  ],
  /** `npm start`'s process supervisor (`tools/dev/axis-processes.ts`, `AxisStateError`): a state file that is not one it wrote. */
  DEV: ['DEV.AXIS_STATE_UNREADABLE'],
  /** `vdx demo traffic` (`tools/cli/demo-plan.ts`, `DemoError`). */
  DEMO: [
    /** An option out of its range (days, documents, seed, a share). */
    'DEMO.BAD_ARGUMENTS',
    /** The gateway or the directory does not answer at the address given: the axis is not running there. */
    'DEMO.AXIS_UNREACHABLE',
    /** The sandbox PKI (the axis CA, the operator's identity) is not in the PKI directory given. */
    'DEMO.PKI_MISSING',
    /** The gateway answers but does not authorise the demo systems in time (its directory cache has not caught up). */
    'DEMO.AXIS_NOT_READY',
    /** The directory refused to register or connect a demo agency (retired, say). */
    'DEMO.SETUP_FAILED',
  ],
  /** The directory's refusals (`@vdx/directory-domain` `DirectoryError`, the query side's `DirectoryQueryError`). */
  DIRECTORY: [
    'DIRECTORY.MALFORMED_CODE',
    'DIRECTORY.DUPLICATE_CODE',
    'DIRECTORY.UNKNOWN_AGENCY',
    'DIRECTORY.PARENT_UNKNOWN',
    'DIRECTORY.PARENT_RETIRED',
    'DIRECTORY.AGENCY_RETIRED',
    'DIRECTORY.NOT_SUSPENDED',
    'DIRECTORY.ALREADY_SUSPENDED',
    'DIRECTORY.SUCCESSOR_UNKNOWN',
    'DIRECTORY.SUCCESSOR_RETIRED',
    'DIRECTORY.SUCCESSOR_CYCLE',
    'DIRECTORY.INVALID_FIELD',
    /** A change cursor this service did not issue. */
    'DIRECTORY.INVALID_CURSOR',
    /** A retired agency with no current successor. */
    'DIRECTORY.NO_SUCCESSOR',
    /** The call's client certificate is no service or operator identity of the axis (a connected system's, say): internal APIs take only those (docs/adr/0024-internal-mtls.md). */
    'DIRECTORY.UNAUTHENTICATED',
    /** A service or operator identity that `DirectoryService`'s authorisation table does not allow to make this call. */
    'DIRECTORY.PERMISSION_DENIED',
    /** The directory cannot reach its store or broker, or another instance took over its writer: try again. */
    'DIRECTORY.UNAVAILABLE',
    /** What `DirectoryService` answers for a failure that is not a refusal (logged, details withheld). */
    'DIRECTORY.INTERNAL',
  ],
  /** The dead-letter tools (`@vdx/messaging` `DeadLetterError`, `vdx dlq`'s `DlqCommandError`). */
  DLQ: [
    /** No `vdx.dlq.<group>` topic exists for the group named. */
    'DLQ.UNKNOWN_GROUP',
    /** A selected `partition:offset` holds no committed record of the dead-letter topic. */
    'DLQ.NOT_FOUND',
    /** A selected message has no `vdx-dlq-source` header, or names a topic/partition that is not there. */
    'DLQ.NO_SOURCE',
    /** Neither ids nor `--all`, or `--all` and every message already replayed or unusable. */
    'DLQ.NOTHING_TO_REPLAY',
    /** A selected message was replayed before (see the replay ledger); `again` replays it once more. */
    'DLQ.ALREADY_REPLAYED',
    /** An id that is neither `<offset>` nor `<partition>:<offset>`. */
    'DLQ.BAD_ID',
    /** Options that contradict each other (ids and `--all`). */
    'DLQ.BAD_ARGUMENTS',
    /** `vdx dlq` was asked for what moved to `vdx deliveries`. */
    'DLQ.COMMAND_MOVED',
  ],
  /** Input the edXML reader or writer cannot handle at all (`@vdx/edxml`, `EdxmlError`); problems inside a package that parsed are findings. */
  EDXML: [
    'EDXML.MALFORMED_XML',
    'EDXML.DTD_FORBIDDEN',
    'EDXML.ENTITY_FORBIDDEN',
    'EDXML.UNSUPPORTED_ENCODING',
    'EDXML.TOO_LARGE',
    'EDXML.TOO_DEEP',
    'EDXML.TOO_MANY_ELEMENTS',
    'EDXML.TEXT_TOO_LARGE',
    'EDXML.NOT_EDXML',
    'EDXML.SINK_FAILED',
    'EDXML.INVALID_CHARACTER',
    'EDXML.INVALID_SIGNATURE_XML',
    'EDXML.MISSING_CONTENT',
  ],
  /** Calls the gateway refused (`@vdx/gateway-feature`, `ExchangeError`). */
  EXCHANGE: [
    'EXCHANGE.UNAUTHENTICATED',
    'EXCHANGE.NOT_AUTHORISED',
    'EXCHANGE.INVALID_ARGUMENT',
    'EXCHANGE.NOT_FOUND',
    'EXCHANGE.PROTOCOL',
    'EXCHANGE.BODY_TOO_LARGE',
    'EXCHANGE.SEND_IN_PROGRESS',
    /** The gateway already holds as many sends as it admits at once: retry after a short pause. */
    'EXCHANGE.OVERLOADED',
    'EXCHANGE.UNAVAILABLE',
    /** What `ExchangeService` answers for a failure that is not a refusal (logged, details withheld). */
    'EXCHANGE.INTERNAL',
  ],
  /** The container image tools (`tools/images`, `ImagesError`): a missing tool, a host or project they cannot build on, a command that failed, a pod spec `podman kube play` cannot run. */
  IMAGES: [
    'IMAGES.APT_MISSING',
    'IMAGES.BAD_PROJECT',
    'IMAGES.COMMAND_FAILED',
    'IMAGES.COMPOSE_CHECK_BUILD',
    'IMAGES.GO_MISSING',
    'IMAGES.IMPORT_FAILED',
    'IMAGES.INFRA_NOT_PROVISIONED',
    'IMAGES.JLINK_FAILED',
    'IMAGES.JLINK_MISSING',
    'IMAGES.LOCKFILE',
    'IMAGES.NATIVE_CLIENT_MISSING',
    'IMAGES.NOT_DEBIAN',
    'IMAGES.NO_APT_SOURCES',
    'IMAGES.NO_CONTAINER',
    'IMAGES.POD_CONTAINERS',
    'IMAGES.POD_ENV_UNRESOLVED',
    'IMAGES.POD_PORT_UNKNOWN',
    'IMAGES.POD_PROBE_PORT',
    'IMAGES.POD_VOLUME_UNMAPPED',
    'IMAGES.PYTHON_VENV',
    'IMAGES.TOOL_MISSING',
    'IMAGES.UNKNOWN_CONTEXT',
    'IMAGES.UNKNOWN_IMAGE',
  ],
  /** Files the directory importer cannot import as a whole (`@vdx/directory-import`, `ImportFileError`), and `vdx directory import` finding no directory (`tools/cli`, `DirectoryImportError`). */
  IMPORT: [
    /** The file format cannot be told from the extension and none was given. */
    'IMPORT.UNKNOWN_FORMAT',
    /** The file as a whole cannot be read (broken JSON, unclosed CSV quote, not an array…). */
    'IMPORT.MALFORMED_FILE',
    /** A JSON array file is larger than `MAX_JSON_FILE_BYTES`. */
    'IMPORT.FILE_TOO_LARGE',
    /** The file does not exist (or is not a regular file). */
    'IMPORT.FILE_NOT_FOUND',
    /** The directory (`--url`) does not answer: no row was sent. */
    'IMPORT.DIRECTORY_UNREACHABLE',
  ],
  /** The local Kafka and FerretDB (`@vdx/local-infra`, `InfraError`): a prerequisite is missing or a step failed. */
  INFRA: ['INFRA.FAILED'],
  /** The legacy VXP edge's own refusals (`@vdx/legacy-edge-feature`, `LegacyError`). */
  LEGACY: [
    'LEGACY.UNKNOWN_OPERATION',
    'LEGACY.MISSING_SIGNATURE',
    'LEGACY.MALFORMED_SIGNED_HEADERS',
    'LEGACY.UNKNOWN_SYSTEM',
    'LEGACY.BAD_SIGNATURE',
    'LEGACY.MISSING_PARAMETER',
    'LEGACY.INVALID_PARAMETER',
    'LEGACY.NOT_AUTHORISED',
    'LEGACY.NOT_FOUND',
    'LEGACY.EMPTY_BODY',
    'LEGACY.BODY_TOO_LARGE',
    'LEGACY.HASH_FILE_MISMATCH',
    'LEGACY.INVALID_JSON',
    'LEGACY.NOT_UTF8',
    'LEGACY.UNAVAILABLE',
    'LEGACY.INTERNAL',
  ],
  /** The Kafka layer (`@vdx/messaging`, `MessagingError`); also written into dead-letter headers. */
  MESSAGING: [
    'MESSAGING.HANDLER_FAILED',
    'MESSAGING.UNDECODABLE',
    'MESSAGING.PRODUCE_FAILED',
    'MESSAGING.TOPIC_PROVISIONING_FAILED',
    'MESSAGING.NOT_CONNECTED',
    'MESSAGING.FENCED',
    'MESSAGING.PARTITIONS_MISMATCH',
    'MESSAGING.COMMIT_FAILED',
    /** `runLocal` cannot run work here: this instance does not (yet) own the partition; the caller takes the long way (`NotOwnedHere`). */
    'MESSAGING.NOT_OWNED_HERE',
  ],
  /** Fetching revocation data or certificates (`@vdx/signature-network`, `NetworkError`). */
  NETWORK: [
    /** The URL's scheme or host is not on the allow-list, or it is not a URL at all. */
    'NETWORK.URL_NOT_ALLOWED',
    /** No answer within the per-request timeout. */
    'NETWORK.TIMEOUT',
    /** The package's overall budget for network look-ups is spent. */
    'NETWORK.BUDGET_EXHAUSTED',
    /** The host failed too often recently; it is not asked until its cool-down ends. */
    'NETWORK.CIRCUIT_OPEN',
    /** Connection refused, reset, DNS failure... */
    'NETWORK.UNREACHABLE',
    /** An HTTP status other than 200. */
    'NETWORK.HTTP_STATUS',
    /** The response is larger than allowed. */
    'NETWORK.TOO_LARGE',
    /** A bad option (a negative timeout, a zero concurrency). */
    'NETWORK.BAD_OPTION',
  ],
  /** The sandbox PKI (`@vdx/pki`, `PkiError`). */
  PKI: [
    /** A system id is not 1–128 characters of `A-Z a-z 0-9 . _ : -` starting with a letter or digit. */
    'PKI.INVALID_SYSTEM_ID',
    /** An option is out of range: validity days, a DNS name or an IP address. */
    'PKI.INVALID_OPTION',
    /** The CA certificate or key is unreadable, not a CA, or the key does not match the certificate. */
    'PKI.BAD_CA',
    /** A certificate (PEM or DER) cannot be parsed. */
    'PKI.BAD_CERTIFICATE',
    /** A file the operation needs (the CA, a credential) does not exist. */
    'PKI.NOT_FOUND',
    /** The credential already exists and `force` was not given. */
    'PKI.EXISTS',
    /** A service or operator name is not 1–64 characters of `A-Z a-z 0-9 . _ -` starting with a letter or digit. */
    'PKI.INVALID_NAME',
    /** A certificate is not the identity it is used as (a system's or another service's certificate configured as a service's own, say). */
    'PKI.WRONG_IDENTITY',
  ],
  /** Keeping read models current (`@vdx/event-sourcing` `ProjectionRunner`). */
  PROJECTION: [
    /** The store answered a read model's writes with an error: the events wait and are retried, never dead-lettered (`StoreRefusedWrites`). */
    'PROJECTION.STORE_REFUSED',
  ],
  /** Rebuilding read models (`@vdx/event-sourcing` `ReplayError`, `vdx replay`'s `ReplayCommandError`). */
  REPLAY: [
    'REPLAY.PROJECTION_RUNNING',
    'REPLAY.CHECKPOINT_MISMATCH',
    'REPLAY.CHECKPOINT_STALE',
    'REPLAY.SUPERSEDED',
    'REPLAY.FAILED',
    'REPLAY.UNKNOWN_MODEL',
    'REPLAY.MODEL_REQUIRED',
    'REPLAY.BAD_ARGUMENTS',
    /** The store (`--mongo-url`) does not answer: nothing was replayed. */
    'REPLAY.STORE_UNREACHABLE',
  ],
  /**
   * The signature service's configuration and evidence, and `vdx signature` (verdicts on a
   * package are `SignatureRejected` reasons, not errors).
   */
  SIGNATURE: [
    /** A verifier configuration it cannot start with (`VerificationConfigError`). */
    'SIGNATURE.BAD_CONFIG',
    /** Bytes that are not an evidence record this code wrote (`EvidenceRecordError`). */
    'SIGNATURE.BAD_EVIDENCE',
    'SIGNATURE.VERDICT_NOT_FOUND',
    'SIGNATURE.NO_EVIDENCE',
    'SIGNATURE.NOT_INDETERMINATE',
    'SIGNATURE.ACCEPTANCE_NOT_FOUND',
    'SIGNATURE.BAD_OPTION',
  ],
  /** The statistics service's refusals (`@vdx/statistics-domain`, `StatisticsError`, `AccountsError`; `@vdx/statistics-feature`, `TooManyLogins`, `IdentityProviderConfigError`). */
  STATISTICS: [
    /** A query parameter the endpoint does not take, or one given twice. */
    'STATISTICS.BAD_PARAMETER',
    /** `period` is not day, week, month, quarter or year. */
    'STATISTICS.BAD_PERIOD',
    /** `from` or `to` is not a period in the notation of `period` (2025-07-15, 2025-W29, 2025-07, 2025-Q3, 2025), or not a real one. */
    'STATISTICS.BAD_DATE',
    /** `from` is missing, or after `to`. */
    'STATISTICS.BAD_RANGE',
    /** More periods between `from` and `to` than one report reads. */
    'STATISTICS.RANGE_TOO_LONG',
    /** `agency` (or `after`) is not a canonical agency code. */
    'STATISTICS.BAD_AGENCY',
    /** `direction`, `kind`, `priority`, `subtree`, `rows` or `format` is not one of its values. */
    'STATISTICS.BAD_CHOICE',
    /** `limit` is not a whole number from 1 to 1000. */
    'STATISTICS.BAD_LIMIT',
    /** A resumed replay of the statistics model lacks the deliveries queued before it stopped: replay it afresh. */
    'STATISTICS.REPLAY_RESUMED',
    /** No session: log in first (401). */
    'STATISTICS.LOGIN_REQUIRED',
    /** The session cookie is expired, forged or names an account no longer configured: log in again (401). */
    'STATISTICS.SESSION_INVALID',
    /** Unknown user or wrong password (401). */
    'STATISTICS.BAD_CREDENTIALS',
    /** The login body is not `{ "user": string, "password": string }` (400). */
    'STATISTICS.BAD_LOGIN_BODY',
    /** The figures asked for are outside the account's scope (403). */
    'STATISTICS.OUTSIDE_SCOPE',
    /** The console has no such file (404). */
    'STATISTICS.NOT_FOUND',
    /** The configured accounts are unusable (`AccountsError`, at boot). */
    'STATISTICS.BAD_ACCOUNTS',
    /** Too many failed log-ins for this user or from this address within the window: wait (429, `Retry-After`). */
    'STATISTICS.TOO_MANY_LOGINS',
    /** A document search names none or more than one of documentId, notation and sender, or a bad notation (400). */
    'STATISTICS.BAD_SEARCH',
    /** `documentId` is empty, longer than 300 characters or holds `|` (400). */
    'STATISTICS.BAD_DOCUMENT_ID',
    /** A delivery id is not `<package id>/<recipient code>`, or the redrive body is not `{ "deliveryId" }` (400). */
    'STATISTICS.BAD_DELIVERY_ID',
    /** The account's role may not do this: a redrive by anyone but the central office (403). */
    'STATISTICS.ROLE_FORBIDDEN',
    /** The document lookup knows no such document (404). */
    'STATISTICS.UNKNOWN_DOCUMENT',
    /** The delivery service is not configured (`DELIVERY_GRPC_URL`) or does not answer (503). */
    'STATISTICS.DELIVERY_UNAVAILABLE',
    /** The identity provider log-in is not configured (STATISTICS_OIDC_ISSUER unset): 404. */
    'STATISTICS.IDENTITY_NOT_CONFIGURED',
    /** The identity provider cannot be reached, or its discovery document is unusable: 503. */
    'STATISTICS.IDENTITY_UNAVAILABLE',
    /** The return from the identity provider does not match the log-in this browser began (state, missing or expired transaction): 400. */
    'STATISTICS.IDENTITY_STATE_MISMATCH',
    /** The identity provider refused the log-in, or its answer did not verify (signature, issuer, audience, nonce, expiry): 401. */
    'STATISTICS.IDENTITY_REFUSED',
    /** The user's claims give no role of the console: 403. */
    'STATISTICS.IDENTITY_NO_ROLE',
    /** The user's claims give several roles of the console: 403. */
    'STATISTICS.IDENTITY_AMBIGUOUS_ROLE',
    /** An agency admin's claims give no valid agency code: 403. */
    'STATISTICS.IDENTITY_BAD_AGENCY',
    /** The identity provider configured is reached over plain HTTP on another machine (`IdentityProviderConfigError`, at boot). */
    'STATISTICS.IDENTITY_INSECURE_ISSUER',
  ],
  /** The tests' kit (`@vdx/testing`): a wait reached its deadline, or was told to stop. */
  TESTING: ['TESTING.WAIT_TIMEOUT', 'TESTING.STOP_WAITING'],
  /** Configuration the signature validator cannot work with (`@vdx/signature-validator`, `ValidatorError`). */
  VALIDATOR: [
    /** The trust-anchor bundle holds no certificate, or one that cannot be read. */
    'VALIDATOR.BAD_TRUST_ANCHOR',
    /** An intermediate certificate given to the in-memory pool cannot be read. */
    'VALIDATOR.BAD_INTERMEDIATE',
    /** A classification rule is unusable (no condition, unknown kind). */
    'VALIDATOR.BAD_RULE',
  ],
} as const;

/** An area of codes: the part before the dot. */
export type ErrorArea = keyof typeof ERROR_CODES;

/** The codes of one area, e.g. `ErrorCodeOf<'DELIVERY'>`. */
export type ErrorCodeOf<A extends ErrorArea> = (typeof ERROR_CODES)[A][number];

/** Every error code of the project. */
export type ErrorCode = { [A in ErrorArea]: ErrorCodeOf<A> }[ErrorArea];

/** Every error code, in catalogue order. */
export const ALL_ERROR_CODES: readonly ErrorCode[] = Object.freeze(Object.values(ERROR_CODES).flat());

const KNOWN: ReadonlySet<string> = new Set(ALL_ERROR_CODES);

/** True for a code of the catalogue. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN.has(code);
}

/** The part of a code after the dot: `'AGENCY_CODE.BAD_FORMAT'` → `'BAD_FORMAT'`. */
export type CodeName<C extends string> = C extends `${string}.${infer N}` ? N : never;

/**
 * The codes of an area as an object keyed by their names, for libraries that export them that
 * way (`AgencyCodeErrorCode.BAD_FORMAT` is `'AGENCY_CODE.BAD_FORMAT'`).
 */
export function codeTable<const C extends string>(codes: readonly C[]): { readonly [K in C as CodeName<K>]: K } {
  const table: Record<string, string> = {};
  for (const code of codes) table[code.slice(code.indexOf('.') + 1)] = code;
  return Object.freeze(table) as { readonly [K in C as CodeName<K>]: K };
}
