import type { Schema } from 'avsc';

/**
 * What the gateway read of a package and every later stage carries: the fields `PackageAccepted`
 * and {@link PackageRef} share, written once here (their Avro fields too: `packageFieldsSchema`).
 */
export interface PackageFields {
  readonly packageId: string;
  /** `edoc` (a document) or `status` (a processing status about one). */
  readonly kind: string;
  readonly senderCode: string;
  /** The connected system that sent it (from its client certificate). */
  readonly systemId: string;
  /** Agencies the package names: `To` of a document; the status's addressee (ResponseFor's issuer) otherwise. */
  readonly recipientCodes: readonly string[];
  /** The edXML DocumentId of a document, or of the document a status is about. */
  readonly documentId: string | null;
  /** 0 new, 1 revoke, 2 update, 3 replace (documents only). */
  readonly businessDocType: string | null;
  /** The earlier document a revoke, update or replace concerns. */
  readonly relatedDocumentId: string | null;
  /** 01..06, 13, 15, 16 (status packages only). */
  readonly statusCode: string | null;
  readonly subject: string | null;
  /** 0 normal … 4 immediate at a set time. */
  readonly priority: string | null;
  /** `yyyy/MM/dd` */
  readonly dueDate: string | null;
  readonly bodySha256: string;
  readonly bodySize: number;
}

/** The names of {@link PackageFields}, in their Avro order. */
export const PACKAGE_FIELD_NAMES = [
  'packageId',
  'kind',
  'senderCode',
  'systemId',
  'recipientCodes',
  'documentId',
  'businessDocType',
  'relatedDocumentId',
  'statusCode',
  'subject',
  'priority',
  'dueDate',
  'bodySha256',
  'bodySize',
] as const satisfies readonly (keyof PackageFields)[];
// tsc fails here when PackageFields gains a field the names (and so the Avro schemas and `packageFieldsOf`) leave out.
const _everyFieldNamed: [Exclude<keyof PackageFields, (typeof PACKAGE_FIELD_NAMES)[number]>] extends [never] ? true : never = true;

/** The package fields of any record that has them (a `PackageAccepted`, a `PackageRef`), and nothing else. */
export function packageFieldsOf(from: PackageFields): PackageFields {
  return Object.fromEntries(PACKAGE_FIELD_NAMES.map((name) => [name, from[name]])) as unknown as PackageFields;
}

/**
 * What every service downstream of the gateway needs to know about a package, carried along in
 * each event (so a consumer of one topic never has to join another).
 */
export interface PackageRef extends PackageFields {
  /** When the gateway accepted it (ISO-8601). */
  readonly acceptedAt: string;
  /**
   * The signature service's cryptographic verdict on it (`valid`, `invalid`, `unknown` for an
   * indeterminate verdict, `unsigned`, `not-performed`), set from `SignatureVerified` on; absent (null) before.
   */
  readonly signatureVerdict?: string | null;
}

const optionalString = ['null', 'string'];

/** The Avro fields of {@link PackageFields}, in {@link PACKAGE_FIELD_NAMES} order (a fresh copy each call). */
export function packageFieldsSchema(): { name: string; type: Schema; default?: null }[] {
  const types: Record<(typeof PACKAGE_FIELD_NAMES)[number], Schema> = {
    packageId: 'string',
    kind: 'string',
    senderCode: 'string',
    systemId: 'string',
    recipientCodes: { type: 'array', items: 'string' },
    documentId: optionalString,
    businessDocType: optionalString,
    relatedDocumentId: optionalString,
    statusCode: optionalString,
    subject: optionalString,
    priority: optionalString,
    dueDate: optionalString,
    bodySha256: 'string',
    bodySize: 'long',
  } as unknown as Record<(typeof PACKAGE_FIELD_NAMES)[number], Schema>;
  return PACKAGE_FIELD_NAMES.map((name) => ({ name, type: types[name], ...(types[name] === optionalString ? { default: null } : {}) }));
}

const fieldsV1 = (): Schema[] => [...packageFieldsSchema(), { name: 'acceptedAt', type: 'string' }] as unknown as Schema[];

/** The Avro record of a {@link PackageRef} as first published (no signature verdict); each event schema embeds its own copy. */
export function packageRefSchemaV1(namespace: string): Schema {
  return { type: 'record', name: 'PackageRef', namespace, fields: fieldsV1() } as Schema;
}

/** The Avro record of a {@link PackageRef} today: with the signature verdict (null when written before it existed). */
export function packageRefSchema(namespace: string): Schema {
  return { type: 'record', name: 'PackageRef', namespace, fields: [...fieldsV1(), { name: 'signatureVerdict', type: optionalString, default: null }] } as Schema;
}

/**
 * The schema versions of an event that embeds a {@link PackageRef} and was published before the
 * verdict joined it: v1 with the first PackageRef, v2 with today's (Avro resolution reads v1
 * data with a null verdict).
 */
export function withPackageRefVersions(namespace: string, schemaWith: (packageRef: Schema) => Schema): Schema[] {
  return [schemaWith(packageRefSchemaV1(namespace)), schemaWith(packageRefSchema(namespace))];
}
