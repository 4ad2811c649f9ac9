import { ServerCredentials } from '@grpc/grpc-js';
import { readTlsIdentity, type TlsIdentity } from '@vdx/pki';
import { z } from 'zod';

/**
 * The settings of a service's identity on the internal gRPC APIs (docs/adr/0024-internal-mtls.md):
 * its certificate (`urn:vdx:service:<service>`), its key and the axis CA it trusts. The defaults
 * are where `vdx pki init` (and `npm start`) put them; in Kubernetes they are cert-manager's
 * secret mounted on `/var/run/vdx/identity` (`tls.crt`, `tls.key`, `ca.crt`). There is no
 * plaintext mode: an internal API is served and called with mutual TLS only.
 */
export function internalTlsConfigShape(service: string) {
  return {
    /** The service's certificate (PEM), SAN URI `urn:vdx:service:<service>`. */
    INTERNAL_TLS_CERT: z.string().min(1).default(`.local/pki/services/${service}.crt`),
    /** Its private key (PKCS#8 PEM). */
    INTERNAL_TLS_KEY: z.string().min(1).default(`.local/pki/services/${service}.key`),
    /** The axis CA: the only issuer whose peers are accepted. */
    INTERNAL_TLS_CA: z.string().min(1).default('.local/pki/ca.crt'),
  };
}

/** A validated configuration holding the settings of {@link internalTlsConfigShape}. */
export interface InternalTlsConfig {
  readonly INTERNAL_TLS_CERT: string;
  readonly INTERNAL_TLS_KEY: string;
  readonly INTERNAL_TLS_CA: string;
}

/**
 * Reads and checks the service's own identity at boot: the files exist, the certificate is
 * `urn:vdx:service:<service>` issued by the CA, and the key is its key. A failure names the
 * file and how to make one; the boot then fails (exit 1) rather than serving or calling in
 * plaintext.
 */
export function loadServiceIdentity(config: InternalTlsConfig, service: string): TlsIdentity {
  try {
    return readTlsIdentity({ certPath: config.INTERNAL_TLS_CERT, keyPath: config.INTERNAL_TLS_KEY, caPath: config.INTERNAL_TLS_CA }, { kind: 'service', name: service });
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    const hint = `${service} needs its identity on the internal APIs (INTERNAL_TLS_CERT, INTERNAL_TLS_KEY, INTERNAL_TLS_CA); \`npm run vdx -- pki init\` makes .local/pki/services/${service}.crt`;
    throw Object.assign(new Error(`${typeof e.code === 'string' ? `${e.code}: ` : ''}${String(e.message)}: ${hint}`, { cause: err }), { code: e.code });
  }
}

/**
 * The server side of an internal API: the service's certificate, and a client certificate
 * required and verified against the axis CA in the handshake (no certificate, or one of
 * another CA, never reaches a handler). Who may call which RPC is {@link CallerAccess}'s.
 */
export function internalServerCredentials(tls: TlsIdentity): ServerCredentials {
  return ServerCredentials.createSsl(Buffer.from(tls.caPem), [{ private_key: Buffer.from(tls.keyPem), cert_chain: Buffer.from(tls.certPem) }], true);
}
