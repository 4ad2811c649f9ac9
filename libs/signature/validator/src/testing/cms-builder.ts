// Test support: real CMS SignedData and RFC 3161 timestamp tokens, built with pkijs and signed
// through WebCrypto with the sandbox hierarchy's keys. Not exported from the library.
import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SigningCredential } from '@vdx/pki';
import { digest, toArrayBuffer, type DigestName } from '../bytes';
import { OID } from '../crypto/oids';

const DIGEST_OID: Record<DigestName, string> = { 'SHA-1': OID.sha1, 'SHA-256': OID.sha256, 'SHA-384': OID.sha384, 'SHA-512': OID.sha512 };
const RSA_OID: Record<DigestName, string> = { 'SHA-1': OID.sha1WithRSAEncryption, 'SHA-256': OID.sha256WithRSAEncryption, 'SHA-384': OID.sha384WithRSAEncryption, 'SHA-512': OID.sha512WithRSAEncryption };
const ECDSA_OID: Record<DigestName, string> = { 'SHA-1': OID.ecdsaWithSha1, 'SHA-256': OID.ecdsaWithSha256, 'SHA-384': OID.ecdsaWithSha384, 'SHA-512': OID.ecdsaWithSha512 };
const HASH_BYTES: Record<DigestName, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

/** How to sign. Defaults make a PAdES-style signature: SHA-256, signed attributes, ESS binding. */
export interface SignOptions {
  readonly signer: SigningCredential;
  /** Certificates bundled in the SignedData. Default: the signer's. */
  readonly certificates?: readonly SigningCredential[];
  readonly hash?: DigestName;
  /** RSA only: PKCS#1 v1.5 (default) or PSS. */
  readonly rsaScheme?: 'pkcs1' | 'pss';
  /** The signingTime attribute; null leaves it out. Default: none. */
  readonly signingTime?: Date | null;
  /** Default true; false signs the content directly (no signed attributes). */
  readonly signedAttributes?: boolean;
  /** Default true: the ESS signing-certificate-v2 attribute. */
  readonly essSigningCertificate?: boolean;
  /** A signature timestamp from this TSA at `genTime`, or from a TSA of the caller's (`openssl ts`). */
  readonly timestamp?: TimestampOptions | ((signatureValue: Uint8Array) => Promise<Uint8Array>);
  /** Replaces the content digest in messageDigest (to build a mismatch). */
  readonly messageDigestOverride?: Uint8Array;
  /** Signs with this credential's key while naming `signer` (a signature that cannot verify). */
  readonly signingKeyOf?: SigningCredential;
  /** Binds the ESS signing-certificate attribute to this certificate instead of the signer's. */
  readonly essCertificate?: SigningCredential;
}

/** A TSA answering a timestamp request. */
export interface TimestampOptions {
  readonly tsa: SigningCredential;
  readonly genTime: Date;
  /** Certificates bundled in the token. Default: the TSA's. */
  readonly certificates?: readonly SigningCredential[];
  readonly hash?: DigestName;
  /** Stamp this instead of the signature value (to build an imprint mismatch). */
  readonly imprintOverride?: Uint8Array;
}

/** A detached CMS SignedData (DER) over `content`. */
export async function signDetached(content: Uint8Array, opts: SignOptions): Promise<Uint8Array> {
  return sign({ kind: 'detached', content }, opts);
}

/** An RFC 3161 timestamp token (DER ContentInfo) over `signatureValue`. */
export async function makeTimestampToken(signatureValue: Uint8Array, opts: TimestampOptions): Promise<Uint8Array> {
  const hash = opts.hash ?? 'SHA-256';
  const tst = new pkijs.TSTInfo({
    version: 1,
    policy: '2.999.30.3',
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: DIGEST_OID[hash], algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(opts.imprintOverride ?? digest(hash, signatureValue)) }),
    }),
    serialNumber: new asn1js.Integer({ value: Math.floor(Math.random() * 2 ** 31) }),
    genTime: opts.genTime,
  });
  const eContent = new Uint8Array(tst.toSchema().toBER(false));
  return sign({ kind: 'attached', type: OID.tstInfo, content: eContent }, { signer: opts.tsa, certificates: opts.certificates ?? [opts.tsa], hash, signingTime: opts.genTime });
}

type Payload = { kind: 'detached'; content: Uint8Array } | { kind: 'attached'; type: string; content: Uint8Array };

async function sign(payload: Payload, opts: SignOptions): Promise<Uint8Array> {
  const hash = opts.hash ?? 'SHA-256';
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(opts.signer.certDer));
  const contentType = payload.kind === 'attached' ? payload.type : OID.data;
  const key = await signingKey(opts, hash);
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: algorithm(DIGEST_OID[hash]),
    signatureAlgorithm: key.algorithm,
  });
  let toSign = payload.content;
  if (opts.signedAttributes !== false) {
    const attributes = [
      new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: contentType })] }),
      ...(opts.signingTime ? [new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: opts.signingTime })] })] : []),
      new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(opts.messageDigestOverride ?? digest(hash, payload.content)) })] }),
      ...(opts.essSigningCertificate === false ? [] : [essSigningCertificateV2((opts.essCertificate ?? opts.signer).certDer)]),
    ];
    signerInfo.signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes });
    // The signature covers the attributes as a SET (tag 0x31), not as the [0] they travel in.
    const encoded = new Uint8Array(signerInfo.signedAttrs.toSchema().toBER(false));
    encoded[0] = 0x31;
    toSign = encoded;
  }
  const signature = await key.sign(toSign);
  signerInfo.signature = new asn1js.OctetString({ valueHex: toArrayBuffer(signature) });
  if (opts.timestamp) {
    const token = typeof opts.timestamp === 'function' ? await opts.timestamp(new Uint8Array(signature)) : await makeTimestampToken(signature, opts.timestamp);
    const tokenSchema = asn1js.fromBER(toArrayBuffer(token)).result;
    signerInfo.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 1, attributes: [new pkijs.Attribute({ type: OID.signatureTimeStampToken, values: [tokenSchema] })] });
  }
  const signedData = new pkijs.SignedData({
    version: payload.kind === 'attached' ? 3 : 1,
    digestAlgorithms: [algorithm(DIGEST_OID[hash])],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: contentType,
      ...(payload.kind === 'attached' ? { eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(payload.content) }) } : {}),
    }),
    certificates: (opts.certificates ?? [opts.signer]).map((c) => pkijs.Certificate.fromBER(toArrayBuffer(c.certDer))),
    signerInfos: [signerInfo],
  });
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}

function algorithm(oid: string, params?: asn1js.AsnType): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({ algorithmId: oid, algorithmParams: params ?? new asn1js.Null() });
}

/** The signer's key as WebCrypto wants it, and the AlgorithmIdentifier its signatures carry. */
async function signingKey(opts: SignOptions, hash: DigestName): Promise<{ algorithm: pkijs.AlgorithmIdentifier; sign(data: Uint8Array): Promise<Uint8Array> }> {
  const keyHolder = opts.signingKeyOf ?? opts.signer;
  const pkcs8 = toArrayBuffer(new Uint8Array(Buffer.from(keyHolder.keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64')));
  if (keyHolder.keyAlgorithm === 'ecdsa-p256') {
    const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    return {
      algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_OID[hash] }),
      sign: async (data) => new Uint8Array(pkijs.createCMSECDSASignature(await webcrypto.subtle.sign({ name: 'ECDSA', hash }, key, toArrayBuffer(data)))),
    };
  }
  if (opts.rsaScheme === 'pss') {
    const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSA-PSS', hash }, false, ['sign']);
    const params = new pkijs.RSASSAPSSParams({
      hashAlgorithm: algorithm(DIGEST_OID[hash]),
      maskGenAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.mgf1, algorithmParams: algorithm(DIGEST_OID[hash]).toSchema() }),
      saltLength: HASH_BYTES[hash],
    });
    return {
      algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsassaPss, algorithmParams: params.toSchema() }),
      sign: async (data) => new Uint8Array(await webcrypto.subtle.sign({ name: 'RSA-PSS', saltLength: HASH_BYTES[hash] }, key, toArrayBuffer(data))),
    };
  }
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['sign']);
  return {
    algorithm: algorithm(RSA_OID[hash]),
    sign: async (data) => new Uint8Array(await webcrypto.subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, key, toArrayBuffer(data))),
  };
}

/** RFC 5035 SigningCertificateV2 with one ESSCertIDv2 (SHA-256, the default, so no AlgorithmIdentifier). */
function essSigningCertificateV2(certDer: Uint8Array): pkijs.Attribute {
  const essCertId = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: toArrayBuffer(digest('SHA-256', certDer)) })] });
  return new pkijs.Attribute({ type: OID.signingCertificateV2, values: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertId] })] })] });
}
