import type { Schema } from 'avsc';
import { defineEvent } from '../catalogue';
import { packageRefSchema, withPackageRefVersions, type PackageRef } from './package-ref';

// Verdicts of the signature service (aggregate id = package id, topic `vdx.signature.events.v1`).

const ns = 'vdx.signature.v1';

/** One check the verifier ran, and what came of it. */
export interface VerificationCheck {
  /** e.g. `body-hash`, `attachments-decode`, `manifest-consistent`, `signatures` */
  readonly name: string;
  /** `passed`, `failed`, or `not-performed` (with the reason in `detail`). */
  readonly result: string;
  readonly detail: string;
}

const checkSchema: Schema = {
  type: 'array',
  items: {
    type: 'record',
    name: 'VerificationCheck',
    namespace: ns,
    fields: [
      { name: 'name', type: 'string' },
      { name: 'result', type: 'string' },
      { name: 'detail', type: 'string' },
    ],
  },
};

/**
 * Where a verdict's evidence record is kept: a blob of the blob store, addressed by its content
 * (`BlobRef` of `@vdx/blob-store`). The record is the JSON the signature service wrote
 * (`vdx.signature.evidence/1`): the whole verdict with the CMS, the paths and every OCSP
 * response and CRL used.
 */
export interface EvidenceRef {
  /** Lower-case hex SHA-256 of the record: its address in the blob store. */
  readonly sha256: string;
  readonly size: number;
  /** `application/vnd.vdx.signature-evidence+json` */
  readonly contentType: string;
}

const evidenceRefSchema: Schema = {
  type: 'record',
  name: 'EvidenceRef',
  namespace: ns,
  fields: [
    { name: 'sha256', type: 'string' },
    { name: 'size', type: 'long' },
    { name: 'contentType', type: 'string' },
  ],
};

/**
 * The optional `evidence` field of the verdict events from the version that added it on: null
 * when no record was kept (the integrity verifier, `SIGNATURE_KEEP_EVIDENCE=false`, nothing to
 * verify, an integrity failure) and for data written before (Avro resolution gives the default).
 */
const evidenceField = { name: 'evidence', type: ['null', evidenceRefSchema], default: null } as unknown as Schema;

/** A verdict schema with the evidence reference after its other fields. */
const withEvidence = (schema: Schema): Schema => ({ ...(schema as { fields: Schema[] }), fields: [...(schema as { fields: Schema[] }).fields, evidenceField] }) as Schema;

/**
 * The package is intact and may be routed. `cryptographic` says how far signatures were
 * verified: `not-performed` until certificate-chain verification is in place, then `valid`,
 * `invalid` or `unknown` (revocation status unavailable, never treated as valid).
 */
export interface SignatureVerified {
  readonly package: PackageRef;
  readonly checks: readonly VerificationCheck[];
  readonly cryptographic: string;
  /** The verifier that produced the verdict and its version, e.g. `integrity/1`. */
  readonly verifier: string;
  /** The evidence record kept in the blob store (v3 on); absent or null when none was kept. */
  readonly evidence?: EvidenceRef | null;
}

const signatureVerifiedSchema = (packageRef: Schema): Schema => ({
  type: 'record',
  name: 'SignatureVerified',
  namespace: ns,
  fields: [
    { name: 'package', type: packageRef },
    { name: 'checks', type: checkSchema },
    { name: 'cryptographic', type: 'string' },
    { name: 'verifier', type: 'string' },
  ],
});

/** v1 the first PackageRef, v2 with the signature verdict on it, v3 with the evidence reference. */
export const SignatureVerifiedEvent = defineEvent<'vdx.signature.SignatureVerified', SignatureVerified>('vdx.signature.SignatureVerified', [
  ...withPackageRefVersions(ns, signatureVerifiedSchema),
  withEvidence(signatureVerifiedSchema(packageRefSchema(ns))),
]);

/** The package failed a check: it is not routed, and the sender is told why. */
export interface SignatureRejected {
  readonly package: PackageRef;
  readonly checks: readonly VerificationCheck[];
  /** Stable code of the first failed check, e.g. `SIGNATURE.BODY_HASH_MISMATCH`. */
  readonly errorCode: string;
  readonly reason: string;
  readonly verifier: string;
  /** The evidence record kept when the signatures were verified before the refusal (v3 on); absent or null otherwise. */
  readonly evidence?: EvidenceRef | null;
}

const signatureRejectedSchema = (packageRef: Schema): Schema => ({
  type: 'record',
  name: 'SignatureRejected',
  namespace: ns,
  fields: [
    { name: 'package', type: packageRef },
    { name: 'checks', type: checkSchema },
    { name: 'errorCode', type: 'string' },
    { name: 'reason', type: 'string' },
    { name: 'verifier', type: 'string' },
  ],
});

/** v1 the first PackageRef, v2 with the signature verdict on it, v3 with the evidence reference. */
export const SignatureRejectedEvent = defineEvent<'vdx.signature.SignatureRejected', SignatureRejected>('vdx.signature.SignatureRejected', [
  ...withPackageRefVersions(ns, signatureRejectedSchema),
  withEvidence(signatureRejectedSchema(packageRefSchema(ns))),
]);

/**
 * An operator re-validated a delivered package (`vdx signature recheck`) and its verdict
 * changed: typically `unknown` (a revocation responder was down) become `valid` or `invalid`.
 * It replaces the package's current verdict (`supersedes`, a `SignatureVerified` or an earlier
 * `SignatureRechecked`), whose `previousCryptographic` and `previousDecree30` it names so that
 * counts move from the old verdict to the new one without reading anything back. Appended in
 * the package's lane, keyed like its verdict.
 */
export interface SignatureRechecked {
  readonly package: PackageRef;
  readonly checks: readonly VerificationCheck[];
  readonly cryptographic: string;
  readonly verifier: string;
  /** The event id of the verdict replaced. */
  readonly supersedes: string;
  readonly previousCryptographic: string;
  /** Whether the replaced verdict's `decree30` check passed. */
  readonly previousDecree30: boolean;
  /** Who asked, e.g. `cli:<user>`. */
  readonly operator: string;
  /** The new evidence record, stored before the event was appended (v2 on); absent or null when none was kept. */
  readonly evidence?: EvidenceRef | null;
}

const signatureRecheckedSchema = (packageRef: Schema): Schema => ({
  type: 'record',
  name: 'SignatureRechecked',
  namespace: ns,
  fields: [
    { name: 'package', type: packageRef },
    { name: 'checks', type: checkSchema },
    { name: 'cryptographic', type: 'string' },
    { name: 'verifier', type: 'string' },
    { name: 'supersedes', type: 'string' },
    { name: 'previousCryptographic', type: 'string' },
    { name: 'previousDecree30', type: 'boolean' },
    { name: 'operator', type: 'string' },
  ],
});

/** v1, then v2 with the evidence reference. */
export const SignatureRecheckedEvent = defineEvent<'vdx.signature.SignatureRechecked', SignatureRechecked>('vdx.signature.SignatureRechecked', [
  signatureRecheckedSchema(packageRefSchema(ns)),
  withEvidence(signatureRecheckedSchema(packageRefSchema(ns))),
]);

export const SIGNATURE_EVENTS = [SignatureVerifiedEvent, SignatureRejectedEvent, SignatureRecheckedEvent] as const;
