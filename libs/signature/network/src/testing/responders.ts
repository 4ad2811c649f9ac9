// Test support: OCSP responses and CRLs built with pkijs and signed with the sandbox
// hierarchy's keys, and an in-process transport that routes requests to handlers. Not exported.
import { webcrypto } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { SigningCredential } from '@vdx/pki';
import type { HttpRequest, HttpResponse, HttpTransport } from '../http/transport';

pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as never }));

const NONCE = '1.3.6.1.5.5.7.48.1.2';
const buf = (u: Uint8Array): ArrayBuffer => u.slice().buffer;
const cert = (c: SigningCredential): pkijs.Certificate => pkijs.Certificate.fromBER(buf(c.certDer));

type SigningKey = Parameters<pkijs.BasicOCSPResponse['sign']>[0];

async function privateKey(c: SigningCredential): Promise<SigningKey> {
  const pkcs8 = Buffer.from(c.keyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const algorithm = c.keyAlgorithm === 'rsa-2048' ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', namedCurve: 'P-256' };
  return (await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign'])) as unknown as SigningKey;
}

export interface OcspEntry {
  readonly cert: SigningCredential;
  readonly issuer: SigningCredential;
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revokedAt?: Date;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** CertID hash; default SHA-1. */
  readonly hash?: 'SHA-1' | 'SHA-256';
}

export interface OcspResponseOptions {
  /** Whose key signs. */
  readonly signer: SigningCredential;
  /** Certificates carried in the response (a delegated responder's). */
  readonly certs?: readonly SigningCredential[];
  /** Responder ID by key hash instead of by name. */
  readonly byKey?: boolean;
  readonly entries: readonly OcspEntry[];
  readonly producedAt: Date;
  /** The nonce extension value to echo (DER of the OCTET STRING), if any. */
  readonly nonce?: Uint8Array | null;
  /** A non-zero OCSPResponseStatus: a response without body. */
  readonly responseStatus?: number;
  /** Flips a byte of the signature. */
  readonly breakSignature?: boolean;
}

/** A DER OCSPResponse. */
export async function ocspResponse(opts: OcspResponseOptions): Promise<Uint8Array> {
  if (opts.responseStatus) return new Uint8Array(new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: opts.responseStatus }) }).toSchema().toBER(false));
  const responses: pkijs.SingleResponse[] = [];
  for (const e of opts.entries) {
    const certID = new pkijs.CertID();
    await certID.createForCertificate(cert(e.cert), { hashAlgorithm: e.hash ?? 'SHA-1', issuerCertificate: cert(e.issuer) });
    const certStatus =
      e.status === 'good'
        ? new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } })
        : e.status === 'unknown'
          ? new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } })
          : new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.GeneralizedTime({ valueDate: e.revokedAt ?? new Date(0) })] });
    responses.push(new pkijs.SingleResponse({ certID, certStatus, thisUpdate: e.thisUpdate, ...(e.nextUpdate ? { nextUpdate: e.nextUpdate } : {}) }));
  }
  const signerCert = cert(opts.signer);
  const responderID = opts.byKey
    ? new asn1js.OctetString({ valueHex: await webcrypto.subtle.digest('SHA-1', signerCert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView) })
    : signerCert.subject;
  const basic = new pkijs.BasicOCSPResponse({
    tbsResponseData: new pkijs.ResponseData({
      responderID,
      producedAt: opts.producedAt,
      responses,
      ...(opts.nonce ? { responseExtensions: [new pkijs.Extension({ extnID: NONCE, extnValue: buf(opts.nonce) })] } : {}),
    }),
    ...(opts.certs ? { certs: opts.certs.map(cert) } : {}),
  });
  await basic.sign(await privateKey(opts.signer), 'SHA-256');
  if (opts.breakSignature) {
    const sig = new Uint8Array(basic.signature.valueBlock.valueHexView);
    sig[sig.length - 3] = (sig[sig.length - 3] ?? 0) ^ 0xff;
    basic.signature = new asn1js.BitString({ valueHex: buf(sig) });
  }
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({ responseType: '1.3.6.1.5.5.7.48.1.1', response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }) }),
  });
  return new Uint8Array(response.toSchema().toBER(false));
}

/** The nonce extension value of a DER OCSPRequest, or null. */
export function nonceOf(request: Uint8Array): Uint8Array | null {
  const req = pkijs.OCSPRequest.fromBER(buf(request));
  const ext = req.tbsRequest.requestExtensions?.find((e) => e.extnID === NONCE);
  return ext ? new Uint8Array(ext.extnValue.valueBlock.valueHexView) : null;
}

export interface CrlOptions {
  readonly issuer: SigningCredential;
  /** Signs with this key while naming `issuer` (a CRL that does not verify). */
  readonly signingKeyOf?: SigningCredential;
  readonly revoked?: readonly { readonly serialNumber: string; readonly at: Date; readonly reason?: number }[];
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  /** Extra CRL extensions (a delta indicator, a critical unknown one). */
  readonly extensions?: readonly { readonly oid: string; readonly critical: boolean; readonly valueDer: Uint8Array }[];
}

/** A DER CRL. */
export async function crl(opts: CrlOptions): Promise<Uint8Array> {
  const list = new pkijs.CertificateRevocationList({
    version: 1,
    issuer: cert(opts.issuer).subject,
    thisUpdate: new pkijs.Time({ type: 1, value: opts.thisUpdate }),
    ...(opts.nextUpdate ? { nextUpdate: new pkijs.Time({ type: 1, value: opts.nextUpdate }) } : {}),
  });
  if (opts.revoked && opts.revoked.length > 0) {
    list.revokedCertificates = opts.revoked.map(
      (r) =>
        new pkijs.RevokedCertificate({
          userCertificate: new asn1js.Integer({ valueHex: buf(new Uint8Array(Buffer.from(r.serialNumber, 'hex'))) }),
          revocationDate: new pkijs.Time({ type: 1, value: r.at }),
          ...(r.reason === undefined
            ? {}
            : { crlEntryExtensions: new pkijs.Extensions({ extensions: [new pkijs.Extension({ extnID: '2.5.29.21', extnValue: new asn1js.Enumerated({ value: r.reason }).toBER(false) })] }) }),
        }),
    );
  }
  if (opts.extensions) list.crlExtensions = new pkijs.Extensions({ extensions: opts.extensions.map((e) => new pkijs.Extension({ extnID: e.oid, critical: e.critical, extnValue: buf(e.valueDer) })) });
  await list.sign(await privateKey(opts.signingKeyOf ?? opts.issuer), 'SHA-256');
  return new Uint8Array(list.toSchema(true).toBER(false));
}

/** A certs-only PKCS#7 SignedData (DER) carrying `certs`. */
export function certsOnly(certs: readonly SigningCredential[]): Uint8Array {
  const signed = new pkijs.SignedData({ version: 1, encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }), certificates: certs.map(cert), signerInfos: [] });
  return new Uint8Array(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signed.toSchema(true) }).toSchema().toBER(false));
}

/** An in-process transport: each request goes to the handler for its path, and is recorded. */
export class FakeTransport {
  readonly requests: HttpRequest[] = [];
  private readonly handlers = new Map<string, (req: HttpRequest) => Promise<HttpResponse> | HttpResponse>();

  on(path: string, handler: (req: HttpRequest) => Promise<HttpResponse> | HttpResponse): this {
    this.handlers.set(path, handler);
    return this;
  }

  count(path: string): number {
    return this.requests.filter((r) => r.url.pathname === path).length;
  }

  readonly transport: HttpTransport = async (req) => {
    this.requests.push(req);
    const handler = this.handlers.get(req.url.pathname);
    if (!handler) return { status: 404, contentType: undefined, body: new Uint8Array(0) };
    return handler(req);
  };
}

export const ok = (body: Uint8Array, contentType = 'application/octet-stream'): HttpResponse => ({ status: 200, contentType, body });

/** A transport call that never answers until aborted. */
export function hang(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((_, reject) => {
    if (req.signal.aborted) reject(req.signal.reason);
    req.signal.addEventListener('abort', () => reject(req.signal.reason), { once: true });
  });
}
