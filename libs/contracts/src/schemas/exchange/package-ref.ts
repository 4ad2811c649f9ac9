import type { Schema } from 'avsc';

/**
 * What every service downstream of the gateway needs to know about a package, carried along in
 * each event (so a consumer of one topic never has to join another).
 */
export interface PackageRef {
  readonly packageId: string;
  /** `edoc` or `status`. */
  readonly kind: string;
  readonly senderCode: string;
  readonly systemId: string;
  readonly recipientCodes: readonly string[];
  readonly documentId: string | null;
  readonly businessDocType: string | null;
  readonly relatedDocumentId: string | null;
  readonly statusCode: string | null;
  readonly subject: string | null;
  readonly priority: string | null;
  readonly dueDate: string | null;
  readonly bodySha256: string;
  readonly bodySize: number;
  /** When the gateway accepted it (ISO-8601). */
  readonly acceptedAt: string;
  /**
   * The signature service's cryptographic verdict on it (`valid`, `invalid`, `indeterminate`,
   * `unsigned`, `not-performed`), set from `SignatureVerified` on; absent (null) before.
   */
  readonly signatureVerdict?: string | null;
}

const optionalString = ['null', 'string'];

const fieldsV1: Schema[] = [
  { name: 'packageId', type: 'string' },
  { name: 'kind', type: 'string' },
  { name: 'senderCode', type: 'string' },
  { name: 'systemId', type: 'string' },
  { name: 'recipientCodes', type: { type: 'array', items: 'string' } },
  { name: 'documentId', type: optionalString, default: null },
  { name: 'businessDocType', type: optionalString, default: null },
  { name: 'relatedDocumentId', type: optionalString, default: null },
  { name: 'statusCode', type: optionalString, default: null },
  { name: 'subject', type: optionalString, default: null },
  { name: 'priority', type: optionalString, default: null },
  { name: 'dueDate', type: optionalString, default: null },
  { name: 'bodySha256', type: 'string' },
  { name: 'bodySize', type: 'long' },
  { name: 'acceptedAt', type: 'string' },
] as unknown as Schema[];

/** The Avro record of a {@link PackageRef} as first published (no signature verdict); each event schema embeds its own copy. */
export function packageRefSchemaV1(namespace: string): Schema {
  return { type: 'record', name: 'PackageRef', namespace, fields: fieldsV1 } as Schema;
}

/** The Avro record of a {@link PackageRef} today: with the signature verdict (null when written before it existed). */
export function packageRefSchema(namespace: string): Schema {
  return { type: 'record', name: 'PackageRef', namespace, fields: [...fieldsV1, { name: 'signatureVerdict', type: optionalString, default: null }] } as Schema;
}

/**
 * The schema versions of an event that embeds a {@link PackageRef} and was published before the
 * verdict joined it: v1 with the first PackageRef, v2 with today's (Avro resolution reads v1
 * data with a null verdict).
 */
export function withPackageRefVersions(namespace: string, schemaWith: (packageRef: Schema) => Schema): Schema[] {
  return [schemaWith(packageRefSchemaV1(namespace)), schemaWith(packageRefSchema(namespace))];
}
