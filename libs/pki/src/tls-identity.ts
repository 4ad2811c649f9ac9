import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { createPublicKey, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { formatIdentity, identityOf, type AxisIdentity, type IdentityKind } from './identity';
import { readPem } from './pki-files';
import { PkiError, PkiErrorCode } from './pki.error';

/** A party's TLS credential as PEM: its certificate and key, and the CA whose peers it trusts. */
export interface TlsIdentity {
  readonly certPem: string;
  readonly keyPem: string;
  readonly caPem: string;
}

/** Where a {@link TlsIdentity} lives: cert-manager's secret mounts them as `tls.crt`, `tls.key`, `ca.crt` (the CA file may be a bundle of several, during a CA rotation). */
export interface TlsIdentityPaths {
  readonly certPath: string;
  readonly keyPath: string;
  readonly caPath: string;
}

/** What a credential must be: an identity of this kind, and of this name when given. */
export interface ExpectedIdentity {
  readonly kind: IdentityKind;
  readonly name?: string;
}

/**
 * Reads a credential from its three files and checks it before anything dials or listens with
 * it: the certificate names the expected identity (`PKI.WRONG_IDENTITY`: a system's certificate
 * configured as a service's, another service's, an operator's where a service's belongs), the
 * key is the certificate's and the certificate was issued by the CA (`PKI.BAD_CERTIFICATE`).
 * `PKI.NOT_FOUND` names the missing file.
 */
export function readTlsIdentity(paths: TlsIdentityPaths, expected: ExpectedIdentity): TlsIdentity & { readonly identity: AxisIdentity } {
  const certPem = readPem(paths.certPath, 'certificate');
  const keyPem = readPem(paths.keyPath, 'private key');
  const caPem = readPem(paths.caPath, 'CA certificate');
  let cert: NodeX509Certificate;
  let cas: NodeX509Certificate[];
  try {
    cert = new NodeX509Certificate(certPem);
    // A bundle during a CA rotation: the old CA and the new one.
    cas = (caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new NodeX509Certificate(pem));
  } catch (cause) {
    throw new PkiError(PkiErrorCode.BAD_CERTIFICATE, `${paths.certPath} or ${paths.caPath} is not a readable PEM certificate`, { cause });
  }
  if (cas.length === 0) throw new PkiError(PkiErrorCode.BAD_CERTIFICATE, `${paths.caPath} holds no PEM certificate`);
  const identity = identityOf(certPem);
  const want = expected.name === undefined ? `${expected.kind === 'operator' ? 'an' : 'a'} ${expected.kind} identity` : `${expected.kind}:${expected.name}`;
  if (!identity || identity.kind !== expected.kind || (expected.name !== undefined && identity.name !== expected.name)) {
    throw new PkiError(PkiErrorCode.WRONG_IDENTITY, `${paths.certPath} is ${identity ? formatIdentity(identity) : 'no identity of the axis (no urn:vdx: URI)'}, not ${want}`);
  }
  let keyMatches = false;
  try {
    keyMatches = createPublicKey(keyPem).export({ type: 'spki', format: 'der' }).equals(cert.publicKey.export({ type: 'spki', format: 'der' }));
  } catch (cause) {
    throw new PkiError(PkiErrorCode.BAD_CERTIFICATE, `${paths.keyPath} is not a readable private key`, { cause });
  }
  if (!keyMatches) throw new PkiError(PkiErrorCode.BAD_CERTIFICATE, `${paths.keyPath} is not the key of ${paths.certPath}`);
  if (!cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) throw new PkiError(PkiErrorCode.BAD_CERTIFICATE, `${paths.certPath} was not issued by the CA of ${paths.caPath}`);
  return { certPem, keyPem, caPem, identity };
}

/**
 * gRPC channel credentials for a call to an internal API of the axis: mutual TLS with `tls`,
 * trusting only its CA, and the server must prove it is `urn:vdx:service:<server>` (its SAN URI,
 * not its host name: the same check in a cluster, in compose and on 127.0.0.1).
 */
export function internalChannelCredentials(tls: TlsIdentity, server: string): ChannelCredentials {
  return credentials.createSsl(Buffer.from(tls.caPem), Buffer.from(tls.keyPem), Buffer.from(tls.certPem), {
    checkServerIdentity: (_host, cert) => {
      let identity: AxisIdentity | null = null;
      try {
        identity = cert.raw ? identityOf(cert.raw) : null;
      } catch {
        identity = null;
      }
      if (identity?.kind === 'service' && identity.name === server) return undefined;
      return new Error(`the server is ${identity ? formatIdentity(identity) : 'no identity of the axis'}, not service:${server}`);
    },
  });
}
