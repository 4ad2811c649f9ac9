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

export const SignatureVerifiedEvent = defineEvent<'vdx.signature.SignatureVerified', SignatureVerified>('vdx.signature.SignatureVerified', withPackageRefVersions(ns, signatureVerifiedSchema));

/** The package failed a check: it is not routed, and the sender is told why. */
export interface SignatureRejected {
  readonly package: PackageRef;
  readonly checks: readonly VerificationCheck[];
  /** Stable code of the first failed check, e.g. `SIGNATURE.BODY_HASH_MISMATCH`. */
  readonly errorCode: string;
  readonly reason: string;
  readonly verifier: string;
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

export const SignatureRejectedEvent = defineEvent<'vdx.signature.SignatureRejected', SignatureRejected>('vdx.signature.SignatureRejected', withPackageRefVersions(ns, signatureRejectedSchema));

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

export const SignatureRecheckedEvent = defineEvent<'vdx.signature.SignatureRechecked', SignatureRechecked>('vdx.signature.SignatureRechecked', [signatureRecheckedSchema(packageRefSchema(ns))]);

export const SIGNATURE_EVENTS = [SignatureVerifiedEvent, SignatureRejectedEvent, SignatureRecheckedEvent] as const;
