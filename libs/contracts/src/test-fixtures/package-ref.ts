import type { PackageRef } from '../schemas/exchange/package-ref';

/** The fields every test names for a package: which one it is, who sent it and to whom. */
export type PackageRefIdentity = Pick<PackageRef, 'packageId' | 'senderCode' | 'recipientCodes'>;

/** What {@link packageRefWith} fills in for a field a test leaves out. */
export const PACKAGE_REF_DEFAULTS = {
  kind: 'edoc',
  systemId: 'qlvb',
  documentId: null,
  businessDocType: null,
  relatedDocumentId: null,
  statusCode: null,
  subject: null,
  priority: null,
  dueDate: null,
  bodySha256: 'a'.repeat(64),
  bodySize: 10,
  acceptedAt: '2026-11-30T02:00:00.000Z',
} as const satisfies Omit<PackageRef, keyof PackageRefIdentity | 'signatureVerdict'>;

/**
 * A {@link PackageRef} for a test or a fixture: the identity and whatever else `fields` names,
 * every other field from {@link PACKAGE_REF_DEFAULTS} (a document of normal priority with no
 * DocumentId, no subject and a 10-byte body, accepted 2026-11-30 09:00 Vietnam time, no verdict
 * yet). The fields come in their Avro order, as the gateway writes them; a field added to
 * `PackageFields` fails `tsc` here until it has a default.
 */
export function packageRefWith(fields: PackageRefIdentity & Partial<PackageRef>): PackageRef {
  const { packageId, senderCode, recipientCodes, ...named } = fields;
  const { kind, systemId, documentId, businessDocType, relatedDocumentId, statusCode, subject, priority, dueDate, bodySha256, bodySize, acceptedAt } = PACKAGE_REF_DEFAULTS;
  return {
    packageId,
    kind,
    senderCode,
    systemId,
    recipientCodes,
    documentId,
    businessDocType,
    relatedDocumentId,
    statusCode,
    subject,
    priority,
    dueDate,
    bodySha256,
    bodySize,
    acceptedAt,
    ...named,
  };
}
