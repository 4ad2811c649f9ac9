import { X509Certificate } from 'node:crypto';
import { discardSink } from './attachment-sink';
import { ErrorCodes } from './codes';
import { EdxmlError } from './edxml.error';
import { resolveLimits } from './limits';
import type { SignatureBlock } from './model';
import { ParseEngine } from './parse-engine';
import { stripXmlWhitespace, xmlTrim } from './xml-text';
import { EMPTY_SCOPE, childElements, directText, serializeStandalone, type NamespaceScope, type XmlElement } from './xml-tree';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// An RSA-1024 signature is 128 bytes; anything much shorter is a stand-in.
const MIN_SIGNATURE_BYTES = 64;

/** Builds the signature block from a parsed `Signature` element. */
export function readSignature(el: XmlElement, outerScope: NamespaceScope): SignatureBlock {
  const found: {
    signatureMethod?: string;
    digestMethod?: string;
    digestValue?: string;
    signatureValue?: string;
  } = {};
  const x509Certificates: string[] = [];
  const x509SubjectNames: string[] = [];
  const visit = (node: XmlElement): void => {
    for (const child of childElements(node)) {
      switch (child.local) {
        case 'SignatureMethod':
          found.signatureMethod ??= attribute(child, 'Algorithm');
          break;
        case 'DigestMethod':
          found.digestMethod ??= attribute(child, 'Algorithm');
          break;
        case 'DigestValue':
          found.digestValue ??= nonEmpty(stripXmlWhitespace(directText(child)));
          break;
        case 'SignatureValue':
          found.signatureValue ??= nonEmpty(stripXmlWhitespace(directText(child)));
          break;
        case 'X509Certificate': {
          const cert = stripXmlWhitespace(directText(child));
          if (cert !== '') x509Certificates.push(cert);
          break;
        }
        case 'X509SubjectName': {
          const name = xmlTrim(directText(child));
          if (name !== '') x509SubjectNames.push(name);
          break;
        }
        default:
      }
      visit(child);
    }
  };
  visit(el);
  const block: { -readonly [K in keyof SignatureBlock]: SignatureBlock[K] } = {
    xml: serializeStandalone(el, outerScope),
    x509Certificates,
    x509SubjectNames,
  };
  for (const [key, value] of Object.entries(found)) {
    if (value !== undefined) block[key as keyof typeof found] = value;
  }
  return block;
}

/**
 * Parses a standalone `Signature` element (e.g. one produced by a signer) into a block the writer
 * accepts. Throws {@link EdxmlError} `EDXML.INVALID_SIGNATURE_XML` when it is not one well-formed
 * `Signature` element.
 */
export function signatureFromXml(xml: string): SignatureBlock {
  const engine = new ParseEngine({
    limits: resolveLimits({ maxTotalBytes: 4 * 1024 * 1024, maxMarkupBytes: 4 * 1024 * 1024 }),
    sink: discardSink,
    rootLocalName: 'Signature',
    repairUnclosed: false,
  });
  let root: XmlElement;
  try {
    engine.writeString(xml);
    root = engine.end();
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new EdxmlError(ErrorCodes.INVALID_SIGNATURE_XML, `not a Signature element: ${detail}`, { cause });
  }
  return readSignature(root, EMPTY_SCOPE);
}

/** Why a signature block looks like a placeholder rather than a real signature, or undefined. */
export function placeholderReason(sig: SignatureBlock): string | undefined {
  const value = sig.signatureValue;
  if (value === undefined) return 'SignatureValue is missing';
  if (!BASE64.test(value) || Buffer.from(value, 'base64').length < MIN_SIGNATURE_BYTES) {
    return 'SignatureValue is not a plausible signature value';
  }
  if (sig.x509Certificates.length === 0) return 'no X509Certificate is included';
  for (const [i, cert] of sig.x509Certificates.entries()) {
    try {
      new X509Certificate(Buffer.from(cert, 'base64'));
    } catch {
      return `X509Certificate[${i + 1}] is not a DER certificate`;
    }
  }
  return undefined;
}

function attribute(el: XmlElement, name: string): string | undefined {
  for (const [n, v] of el.attributes) if (n === name) return v;
  return undefined;
}

function nonEmpty(s: string): string | undefined {
  return s === '' ? undefined : s;
}
