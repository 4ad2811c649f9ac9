// The operator's identity on the internal APIs (directory.v1, delivery.v1): every `vdx` command
// that calls them authenticates with an operator certificate of the axis CA
// (`urn:vdx:operator:<name>`, docs/adr/0024-internal-mtls.md). `npm start` and `vdx pki init`
// make `.local/pki/operators/operator.crt`; `vdx pki operator <name>` issues another; in a
// cluster it is the secret vdx-operator-identity (tls.crt, tls.key, ca.crt).
import { PkiError, PkiErrorCode, readTlsIdentity, type AxisIdentity, type TlsIdentity } from '@vdx/pki';
import { Option, type Command } from 'commander';

export const DEFAULT_OPERATOR_CERT = '.local/pki/operators/operator.crt';
export const DEFAULT_CA = '.local/pki/ca.crt';

/** The options `--cert`, `--key`, `--ca` leave on a command. */
export interface OperatorIdentityOptions {
  cert: string;
  /** Default: the certificate's path with `.crt` replaced by `.key`. */
  key?: string;
  ca: string;
}

/** Adds `--cert`, `--key` and `--ca` (defaults from VDX_OPERATOR_CERT, VDX_OPERATOR_KEY, VDX_OPERATOR_CA, else `.local/pki`) to a command. */
export function withOperatorIdentity(command: Command): Command {
  return command
    .addOption(new Option('--cert <path>', 'the operator certificate (urn:vdx:operator:<name>) for mutual TLS').default(process.env['VDX_OPERATOR_CERT'] ?? DEFAULT_OPERATOR_CERT))
    .addOption(new Option('--key <path>', 'its private key (default: the certificate path with .key)').default(process.env['VDX_OPERATOR_KEY']))
    .addOption(new Option('--ca <path>', 'the axis CA certificate').default(process.env['VDX_OPERATOR_CA'] ?? DEFAULT_CA));
}

const keyPathOf = (o: OperatorIdentityOptions): string => o.key ?? (o.cert.endsWith('.crt') ? `${o.cert.slice(0, -'.crt'.length)}.key` : `${o.cert}.key`);

/**
 * Reads and checks the operator's identity before dialling anything: the files exist, the
 * certificate names an operator (`PKI.WRONG_IDENTITY` for a system's or a service's), was issued
 * by the CA and the key is its key. Each refusal says how to get a usable one.
 */
export function loadOperatorIdentity(o: OperatorIdentityOptions): TlsIdentity & { readonly identity: AxisIdentity } {
  try {
    return readTlsIdentity({ certPath: o.cert, keyPath: keyPathOf(o), caPath: o.ca }, { kind: 'operator' });
  } catch (err) {
    if (!(err instanceof PkiError)) throw err;
    const hint =
      err.code === PkiErrorCode.NOT_FOUND
        ? 'this command authenticates with an operator certificate: `npm start` or `npm run vdx -- pki init` makes .local/pki/operators/operator.crt, `npm run vdx -- pki operator <name>` issues one; or pass --cert/--key/--ca (VDX_OPERATOR_CERT, VDX_OPERATOR_KEY, VDX_OPERATOR_CA)'
        : 'pass an operator certificate (urn:vdx:operator:<name>) of the axis CA with --cert/--key/--ca';
    throw new PkiError(err.code, `${err.message}; ${hint}`, { cause: err });
  }
}
