import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { MemorySink } from './attachment-sink';
import type {
  Attachment,
  EdocPackage,
  EdxmlDialect,
  EdxmlPackage,
  Organization,
  PackageParts,
  ResponseFor,
  StatusPackage,
} from './model';
import { parseEdxml, parseEdxmlStream } from './parse-package';
import { signatureFromXml } from './signature';
import { hex } from './test-support/fixtures';
import { writePackage } from './write-package';
import { escapeAttribute, escapeText, xmlTrim } from './xml-text';

const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

// Any value the model can hold after a parse: XML characters, no edge whitespace, not empty.
const text = fc
  .oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }))
  .map((s) => xmlTrim(s.replace(INVALID_XML, '?')))
  .filter((s) => s.length > 0);
const digits = (n: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const agencyCode = fc
  .tuple(digits(3), digits(2), digits(2), fc.constantFrom('G', 'H', 'K', 'A'), digits(2))
  .map(([a, b, c, l, d]) => `${a}.${b}.${c}.${l}${d}`);
const code = fc.oneof(agencyCode, text);
const date = fc.date({ min: new Date('2000-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10).replace(/-/g, '/'));
const timestamp = fc.tuple(date, fc.integer({ min: 0, max: 86399 })).map(
  ([d, s]) => `${d} ${[s / 3600, (s / 60) % 60, s % 60].map((n) => String(Math.floor(n)).padStart(2, '0')).join(':')}`,
);
const documentId = fc.oneof(fc.tuple(agencyCode, date, digits(4), text).map(([c, d, n, x]) => `${c},${d},${n}/${x}`), text);

const organization: fc.Arbitrary<Organization> = fc.record(
  {
    organId: code,
    organizationInCharge: text,
    organName: text,
    organAdd: text,
    email: text,
    telephone: text,
    fax: text,
    website: text,
  },
  { requiredKeys: [], noNullPrototype: true },
);
const responseFor: fc.Arbitrary<ResponseFor> = fc.record(
  { organId: code, code: text, promulgationDate: date, documentId },
  { requiredKeys: [], noNullPrototype: true },
);
const staffInfo = fc.record({ department: text, staff: text, email: text, mobile: text }, { requiredKeys: [], noNullPrototype: true });

const signature = fc
  .record({ algorithm: text, value: fc.base64String({ minLength: 4, maxLength: 40 }), subject: text, cert: fc.base64String({ minLength: 4, maxLength: 40 }) })
  .map(({ algorithm, value, subject, cert }) =>
    signatureFromXml(
      `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><SignatureMethod Algorithm="${escapeAttribute(algorithm)}"/></SignedInfo>` +
        `<SignatureValue>${value}</SignatureValue><KeyInfo><X509Data><X509SubjectName>${escapeText(subject)}</X509SubjectName>` +
        `<X509Certificate>${cert}</X509Certificate></X509Data></KeyInfo></Signature>`,
    ),
  );

const attachmentMeta = fc.record({ contentId: text, attachmentName: text, description: text, contentType: text }, { requiredKeys: [], noNullPrototype: true });

interface Generated {
  readonly pkg: EdxmlPackage;
  readonly contents: Buffer[];
  readonly dialect: EdxmlDialect;
}

const parts = fc
  .record({
    traceHeaders: fc.array(fc.record({ organId: code, timestamp }, { requiredKeys: [], noNullPrototype: true }), { maxLength: 3 }),
    business: fc.option(
      fc.record(
        {
          documentId,
          businessDocType: fc.oneof(fc.constantFrom('0', '1', '2', '3'), text),
          businessDocReason: text,
          paper: fc.constantFrom('0', '1'),
          staffInfo,
          businessDocumentInfo: fc.record(
            {
              documentInfo: fc.constantFrom('0', '1'),
              documentReceiver: fc.constantFrom('0', '1'),
              receiverList: fc.array(fc.record({ organId: code, receiverType: fc.constantFrom('0', '1') }, { requiredKeys: [], noNullPrototype: true }), {
                maxLength: 3,
              }),
            },
            { requiredKeys: [], noNullPrototype: true },
          ),
          replacementInfoList: fc.array(
            fc.record({ documentId, organIdList: fc.array(code, { maxLength: 3 }) }, { requiredKeys: ['organIdList'], noNullPrototype: true }),
            { maxLength: 2 },
          ),
        },
        { requiredKeys: [], noNullPrototype: true },
      ),
      { nil: undefined },
    ),
    signature: fc.option(signature, { nil: undefined }),
    manifest: fc.option(
      fc.record(
        {
          version: text,
          references: fc.array(fc.record({ contentId: text, contentType: text, description: text, attachmentName: text }, { requiredKeys: [], noNullPrototype: true }), {
            maxLength: 3,
          }),
        },
        { requiredKeys: ['references'], noNullPrototype: true },
      ),
      { nil: undefined },
    ),
    files: fc.array(fc.tuple(attachmentMeta, fc.uint8Array({ maxLength: 300 })), { maxLength: 3 }),
  })
  .map(({ files, business, signature: sig, manifest, traceHeaders }) => {
    const attachments: Attachment[] = files.map(([meta, bytes]) => ({
      ...meta,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    }));
    const shared: PackageParts = {
      traceHeaders,
      attachments,
      ...(business === undefined ? {} : { business }),
      ...(sig === undefined ? {} : { signature: sig }),
      ...(manifest === undefined ? {} : { manifest }),
    };
    return { shared, contents: files.map(([, bytes]) => Buffer.from(bytes)) };
  });

const edocHeader = fc.record(
  {
    from: organization,
    to: fc.array(organization, { maxLength: 3 }),
    documentId,
    code: fc.record({ codeNumber: fc.oneof(digits(4), text), codeNotation: text }, { requiredKeys: [], noNullPrototype: true }),
    promulgationInfo: fc.record({ place: text, promulgationDate: date }, { requiredKeys: [], noNullPrototype: true }),
    documentType: fc.record({ type: text, typeDetail: text, typeName: text }, { requiredKeys: [], noNullPrototype: true }),
    subject: text,
    content: text,
    signerInfo: fc.record({ competence: text, position: text, fullName: text }, { requiredKeys: [], noNullPrototype: true }),
    dueDate: date,
    otherInfo: fc.record(
      {
        priority: fc.constantFrom('0', '1', '2', '3', '4'),
        sphereOfPromulgation: text,
        typerNotation: text,
        promulgationAmount: text,
        pageAmount: text,
        direction: text,
        appendixes: fc.array(text, { maxLength: 3 }),
      },
      { requiredKeys: ['appendixes'], noNullPrototype: true },
    ),
    responseFor: fc.array(responseFor, { maxLength: 2 }),
    steeringType: fc.constantFrom('1', '2', '3'),
    toPlaces: fc.array(text, { maxLength: 3 }),
  },
  { requiredKeys: ['to', 'responseFor', 'toPlaces'], noNullPrototype: true },
);

// StatusCode is what marks a MessageHeader as a status, so generated statuses always carry one.
const statusHeader = fc.record(
  {
    from: organization,
    responseFor,
    staffInfo,
    statusCode: fc.oneof(fc.constantFrom('01', '02', '03', '04', '05', '06', '13', '15', '16'), text),
    description: text,
    timestamp,
  },
  { requiredKeys: ['statusCode'], noNullPrototype: true },
);

const dialect: fc.Arbitrary<EdxmlDialect> = fc.record({
  headerElement: fc.constantFrom('MessageHeader' as const, 'Status' as const),
  businessElement: fc.constantFrom('Bussiness' as const, 'Business' as const),
});

const edocPackage: fc.Arbitrary<Generated> = fc
  .tuple(edocHeader, parts, dialect)
  .map(([header, { shared, contents }, d]) => ({ pkg: { kind: 'edoc', header, ...shared } satisfies EdocPackage, contents, dialect: d }));
const statusPackage: fc.Arbitrary<Generated> = fc
  .tuple(statusHeader, parts, dialect)
  .map(([header, { shared, contents }, d]) => ({ pkg: { kind: 'status', header, ...shared } satisfies StatusPackage, contents, dialect: d }));

/** The dialect a reader can observe: edocs always use MessageHeader; a spelling shows only with a business block. */
function observable(g: Generated): EdxmlDialect {
  return {
    headerElement: g.pkg.kind === 'status' ? g.dialect.headerElement : 'MessageHeader',
    businessElement: g.pkg.business === undefined ? 'Bussiness' : g.dialect.businessElement,
  };
}

describe('write → parse round trip (property)', () => {
  it.each([
    ['edoc', edocPackage],
    ['status', statusPackage],
  ])('a generated %s package survives write → parse unchanged', (_, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (g) => {
        const xml = writePackage(g.pkg, { contents: g.contents, dialect: g.dialect });
        const parsed = parseEdxml(xml);
        expect(parsed.package).toStrictEqual(g.pkg);
        expect(hex(parsed.contents)).toEqual(hex(g.contents));
        expect(parsed.dialect).toEqual(observable(g));
        // Only semantic findings: what the writer produced is structurally clean.
        expect(parseEdxml(xml, { validate: false }).findings).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('any split of the bytes into chunks parses the same', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(edocPackage, statusPackage), fc.array(fc.nat(), { maxLength: 12 }), async (g, cuts) => {
        const bytes = Buffer.from(writePackage(g.pkg, { contents: g.contents, dialect: g.dialect }), 'utf8');
        // Cuts land anywhere, including inside multi-byte characters, tags and base64 groups.
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((from, i) => bytes.subarray(from, points[i] ?? bytes.length));
        const sink = new MemorySink();
        const streamed = await parseEdxmlStream(Readable.from(chunks), sink);
        const whole = parseEdxml(bytes);
        expect(streamed.package).toStrictEqual(whole.package);
        expect(streamed.findings).toEqual(whole.findings);
        expect(hex(sink.contents(whole.package.attachments.length))).toEqual(hex(whole.contents));
      }),
      { numRuns: 100 },
    );
  });
});
