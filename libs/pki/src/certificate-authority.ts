import { createPublicKey } from 'node:crypto';
import { describeCredential, type CaPems, type IssuedCredential } from './credential';
import { PkiError, PkiErrorCode } from './pki.error';
import { randomSerialNumber, validityPeriod } from './validity';
import { generateKeyPair, privateKeyFromPem, privateKeyToPem, SIGNING_ALGORITHM, x509, type Key } from './webcrypto';

/** Options of {@link createCertificateAuthority}. */
export interface CreateCaOptions {
  /** Subject CN of the CA. Default `vdx sandbox CA`. */
  readonly commonName?: string;
  /** Days the CA certificate is valid. Default 3650 (ten years). */
  readonly validDays?: number;
  /** The start of the validity period. Default: the current time. */
  readonly now?: Date;
}

/**
 * Creates a self-signed CA: a new P-256 key and a certificate with `basicConstraints cA:TRUE,
 * pathLen:0` (it signs end-entity certificates only) and `keyUsage keyCertSign, cRLSign`.
 */
export async function createCertificateAuthority(opts: CreateCaOptions = {}): Promise<IssuedCredential> {
  const { notBefore, notAfter } = validityPeriod(opts.now, opts.validDays ?? 3650);
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: [{ CN: [opts.commonName ?? 'vdx sandbox CA'] }],
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return describeCredential(`${cert.toString('pem')}\n`, await privateKeyToPem(keys.privateKey));
}

/** A CA ready to sign: its parsed certificate and its private key. */
export interface LoadedCa {
  readonly cert: x509.X509Certificate;
  readonly signingKey: Key;
}

/**
 * Reads a CA's PEMs and checks them: the certificate parses and is a CA, the key is a P-256
 * PKCS#8 key, and it is the certificate's key. Throws `PKI.BAD_CA` otherwise.
 */
export async function loadCertificateAuthority(ca: CaPems): Promise<LoadedCa> {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(ca.certPem);
  } catch (cause) {
    throw new PkiError(PkiErrorCode.BAD_CA, 'the CA certificate is not a readable PEM certificate', { cause });
  }
  if (cert.getExtension(x509.BasicConstraintsExtension)?.ca !== true) {
    throw new PkiError(PkiErrorCode.BAD_CA, 'the CA certificate is not a CA certificate (basicConstraints cA is not set)');
  }
  let signingKey: Key;
  let publicDer: Buffer;
  try {
    signingKey = await privateKeyFromPem(ca.keyPem);
    publicDer = createPublicKey(ca.keyPem).export({ type: 'spki', format: 'der' });
  } catch (cause) {
    throw new PkiError(PkiErrorCode.BAD_CA, 'the CA key is not a readable PKCS#8 P-256 private key', { cause });
  }
  if (!publicDer.equals(Buffer.from(cert.publicKey.rawData))) {
    throw new PkiError(PkiErrorCode.BAD_CA, 'the CA key does not match the CA certificate');
  }
  return { cert, signingKey };
}
