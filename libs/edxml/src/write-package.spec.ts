import { readdirSync } from 'node:fs';
import { SaxesParser } from 'saxes';
import type { EdxmlError } from './edxml.error';
import type { StatusPackage } from './model';
import { parseEdxml } from './parse-package';
import { signatureFromXml } from './signature';
import { SAMPLES_DIR, sample } from './test-support/fixtures';
import { writePackage, writePackageStream } from './write-package';

const statusPackage: StatusPackage = {
  kind: 'status',
  header: {
    from: { organId: '000.00.00.H53', organName: 'UBND tỉnh Tây Ninh' },
    responseFor: { organId: '000.00.00.G22', documentId: '000.00.00.G22,2025/03/12,123/VPCP-TTĐT' },
    statusCode: '03',
    timestamp: '2025/03/12 10:00:00',
  },
  traceHeaders: [],
  business: { businessDocType: '0' },
  attachments: [],
};

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function caught(run: () => unknown): EdxmlError {
  try {
    run();
  } catch (error) {
    return error as EdxmlError;
  }
  throw new Error('nothing thrown');
}

/** Parses with a strict, namespace-aware parser: every prefix must be declared. */
function strictNamespaces(xml: string): void {
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', (error) => {
    throw error;
  });
  parser.write(xml).close();
}

describe('writePackage', () => {
  it('writes in the reference SDK dialect by default, and in the sender\'s when asked', () => {
    const sdk = writePackage(statusPackage);
    expect(sdk).toContain('<edXML:MessageHeader>');
    expect(sdk).toContain('<edXML:Bussiness>');
    const hub = writePackage(statusPackage, { dialect: { headerElement: 'Status', businessElement: 'Business' } });
    expect(hub).toContain('<edXML:Status>');
    expect(hub).toContain('<edXML:BusinessDocType>0</edXML:BusinessDocType>');
    const reread = parseEdxml(hub);
    expect(reread.package).toStrictEqual(statusPackage);
    expect(reread.dialect).toEqual({ headerElement: 'Status', businessElement: 'Business' });
  });

  it('escapes markup characters and keeps carriage returns', () => {
    const tricky = 'A & B <c> "d" \'e\' ]]> f\r\ng\rh — Đ 😀';
    const pkg: StatusPackage = { ...statusPackage, header: { ...statusPackage.header, description: tricky } };
    const reread = parseEdxml(writePackage(pkg)).package;
    expect(reread.kind === 'status' && reread.header.description).toBe(tricky);
  });

  it('refuses characters XML cannot carry, naming the field', () => {
    const pkg: StatusPackage = { ...statusPackage, header: { ...statusPackage.header, description: 'bell \u0007' } };
    const error = caught(() => writePackage(pkg));
    expect(error.code).toBe('EDXML.INVALID_CHARACTER');
    expect(error.path).toBe('edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Description');
    const lone: StatusPackage = { ...statusPackage, header: { ...statusPackage.header, description: 'x\uD800' } };
    expect(caught(() => writePackage(lone)).code).toBe('EDXML.INVALID_CHARACTER');
  });

  it('requires contents for every attachment', () => {
    const { package: pkg } = parseEdxml(sample('edoc_new.edxml'));
    expect(caught(() => writePackage(pkg)).code).toBe('EDXML.MISSING_CONTENT');
  });

  it('refuses a signature block that is not one Signature element', () => {
    const bad = { xml: '<Signature><a></Signature>', x509Certificates: [], x509SubjectNames: [] };
    expect(caught(() => writePackage({ ...statusPackage, signature: bad })).code).toBe('EDXML.INVALID_SIGNATURE_XML');
    const other = { xml: '<NotSignature/>', x509Certificates: [], x509SubjectNames: [] };
    expect(caught(() => writePackage({ ...statusPackage, signature: other })).code).toBe('EDXML.INVALID_SIGNATURE_XML');
  });

  it('embeds a signature produced elsewhere and reads it back unchanged', () => {
    const signature = signatureFromXml(
      '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/><ds:SignatureValue>AAAA</ds:SignatureValue></ds:Signature>',
    );
    expect(signature.signatureValue).toBe('AAAA');
    const reread = parseEdxml(writePackage({ ...statusPackage, signature })).package;
    expect(reread.signature).toStrictEqual(signature);
  });

  it('keeps an undeclared unprefixed Signature in no namespace, as it was', () => {
    const xml = `<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLEnvelope><edXML:edXMLHeader>
      <Signature><SignatureValue>AAAA</SignatureValue></Signature></edXML:edXMLHeader></edXML:edXMLEnvelope></edXML:edXML>`;
    const first = parseEdxml(xml, { validate: false }).package;
    expect(first.signature?.xml).toBe('<Signature><SignatureValue>AAAA</SignatureValue></Signature>');
    expect(parseEdxml(writePackage(first), { validate: false }).package).toStrictEqual(first);
  });

  const FIXTURES = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.edxml'));

  it.each(FIXTURES)('writes %s as namespace-well-formed XML', (name) => {
    const { package: pkg, contents } = parseEdxml(sample(name));
    expect(() => strictNamespaces(writePackage(pkg, { contents }))).not.toThrow();
  });

  it.each(FIXTURES)('streams %s byte for byte like the buffered writer', async (name) => {
    const { package: pkg, contents, dialect } = parseEdxml(sample(name));
    const source = {
      // Uneven chunks exercise the base64 carry between chunks.
      open: function* (_: unknown, i: number): Generator<Uint8Array> {
        const bytes = contents[i] ?? Buffer.alloc(0);
        for (let at = 0; at < bytes.length; at += 1000) yield bytes.subarray(at, at + 1000);
      },
    };
    expect(await collect(writePackageStream(pkg, source, { dialect }))).toBe(writePackage(pkg, { contents, dialect }));
  });
});
