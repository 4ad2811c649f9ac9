// Mutual-TLS credentials of the axis: its sandbox CA, the gateway's server certificate and the
// connected systems' client certificates (ECDSA P-256, @peculiar/x509 over Node's WebCrypto).
export { PkiError, PkiErrorCode } from './pki.error';
export type { IssuedCredential, CaPems } from './credential';
export { createCertificateAuthority, type CreateCaOptions } from './certificate-authority';
export { issueServerCertificate, type IssueServerOptions } from './server-certificate';
export { issueSystemCertificate, type IssueSystemOptions } from './system-certificate';
export { certificateFingerprint, fingerprintOfDer, systemIdOf, SYSTEM_URI_PREFIX } from './inspect';
export { SYSTEM_ID_PATTERN } from './system-id';
export { pkiPaths, type PkiPaths, type CredentialPaths } from './pki-files';
export { initPkiDirectory, issueIdentityInDirectory, issueSystemInDirectory, loadCredentialFiles, type CredentialName, type InitPkiResult, type PkiDirectoryOptions } from './pki-directory';
// Identities on the internal APIs: services (`urn:vdx:service:<name>`) and operators/tools (`urn:vdx:operator:<name>`).
export {
  assertIdentityName,
  DEFAULT_OPERATOR,
  formatIdentity,
  IDENTITY_NAME_PATTERN,
  identityOf,
  INTERNAL_SERVICES,
  issueOperatorCertificate,
  issueServiceCertificate,
  OPERATOR_URI_PREFIX,
  SERVICE_URI_PREFIX,
  type AxisIdentity,
  type IdentityKind,
  type IssueOperatorOptions,
  type IssueServiceOptions,
} from './identity';
export { internalChannelCredentials, readTlsIdentity, type ExpectedIdentity, type TlsIdentity, type TlsIdentityPaths } from './tls-identity';
// The sandbox document-signing hierarchy (root, intermediate, personal and organisational
// signers, TSA, OCSP responder), RSA-2048 or ECDSA P-256, for signature-validation tests.
export { SIGNING_KEY_ALGORITHMS, type SigningKeyAlgorithm } from './signing-keys';
export { issueSigningCertificate, type KeyUsageName, type RawExtension, type SigningCertificateOptions, type SigningCredential, type SubjectAttributes } from './signing-certificate';
export { createSigningHierarchy, EXTENDED_KEY_USAGE_OIDS, SANDBOX_POLICY_OIDS, type PublicationUrls, type SigningHierarchy, type SigningHierarchyOptions } from './signing-hierarchy';
