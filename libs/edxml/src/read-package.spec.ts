import { parseEdxml } from './parse-package';
import { brief } from './test-support/fixtures';

const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';

const STATUS_BODY = `
  <From><OrganId>000.00.00.H53</OrganId><OrganName>UBND tỉnh Tây Ninh</OrganName></From>
  <ResponseFor>
    <OrganId>000.00.00.G22</OrganId><Code>7816/VPCP-TTĐT</Code>
    <PromulgationDate>2015/09/30</PromulgationDate>
    <DocumentId>000.00.00.G22,2015/09/30,7816/VPCP-TTĐT</DocumentId>
  </ResponseFor>
  <StatusCode>03</StatusCode>
  <Timestamp>2015/10/01 08:00:00</Timestamp>`;

describe('reading', () => {
  it('accepts the Status container of newer hubs and reports paths with it', () => {
    const xml = `<edXML xmlns="${NS}"><edXMLEnvelope><edXMLHeader><Status>${STATUS_BODY.replace(
      '<StatusCode>03</StatusCode>',
      '<StatusCode>07</StatusCode>',
    )}</Status></edXMLHeader></edXMLEnvelope></edXML>`;
    const result = parseEdxml(xml);
    expect(result.package.kind).toBe('status');
    expect(result.dialect.headerElement).toBe('Status');
    expect(brief(result.findings)).toEqual([
      'error EDXML.UNKNOWN_STATUS_CODE edXML/edXMLEnvelope/edXMLHeader/Status/StatusCode',
    ]);
  });

  it('matches elements by local name whatever the prefix', () => {
    const prefixed = `<q:edXML xmlns:q="${NS}"><q:edXMLEnvelope><q:edXMLHeader><q:MessageHeader>${STATUS_BODY.replace(
      /<(\/?)(\w+)>/g,
      '<$1q:$2>',
    )}</q:MessageHeader></q:edXMLHeader></q:edXMLEnvelope></q:edXML>`;
    const unprefixed = `<edXML xmlns="${NS}"><edXMLEnvelope><edXMLHeader><MessageHeader>${STATUS_BODY}</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>`;
    const a = parseEdxml(prefixed);
    const b = parseEdxml(unprefixed);
    expect(a.package).toStrictEqual(b.package);
    expect(a.findings).toEqual([]);
    expect(b.findings).toEqual([]);
    expect(a.package.kind === 'status' && a.package.header.statusCode).toBe('03');
  });

  it('reads both Business spellings, even mixed', () => {
    const business = (name: string, type: string): string =>
      `<edXML xmlns="${NS}"><edXMLEnvelope><edXMLHeader><TraceHeaderList><${name}><${type}>1</${type}></${name}></TraceHeaderList></edXMLHeader></edXMLEnvelope></edXML>`;
    const a = parseEdxml(business('Business', 'BusinessDocType'), { validate: false });
    const b = parseEdxml(business('Bussiness', 'BusinessDocType'), { validate: false });
    const c = parseEdxml(business('Business', 'BussinessDocType'), { validate: false });
    expect(a.package.business).toEqual({ businessDocType: '1' });
    expect(b.package.business).toEqual({ businessDocType: '1' });
    expect(c.package.business).toEqual({ businessDocType: '1' });
    expect(a.dialect.businessElement).toBe('Business');
    expect(b.dialect.businessElement).toBe('Bussiness');
  });

  it('reports elements outside the edXML namespace once', () => {
    const xml = `<edXML><edXMLEnvelope><edXMLHeader><MessageHeader>${STATUS_BODY}</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>`;
    const result = parseEdxml(xml);
    expect(result.package.kind).toBe('status');
    expect(brief(result.findings)).toEqual(['warning EDXML.UNEXPECTED_NAMESPACE edXML']);
    expect(result.findings[0]?.message).toMatch(/^\d+ element\(s\) are outside/);
  });

  it('reports unknown, duplicate and empty elements and keeps the first of a duplicate', () => {
    const xml = `<edXML xmlns="${NS}"><edXMLEnvelope><edXMLHeader><MessageHeader>
      <From><OrganId>000.00.00.G22</OrganId><OrganName>VPCP</OrganName><Extra/></From>
      <To><OrganId>000.00.00.H53</OrganId><OrganName>Tây Ninh</OrganName></To>
      <Subject>first</Subject><Subject>second</Subject>
      <ToPlaces><Place>A</Place><Place>  </Place></ToPlaces>
      <Custom>x</Custom><Custom>y</Custom>
    </MessageHeader></edXMLHeader></edXMLEnvelope></edXML>`;
    const result = parseEdxml(xml, { validate: false });
    // Order: each element's own findings, then its children's (a stable, documented order).
    expect(brief(result.findings)).toEqual([
      'warning EDXML.DUPLICATE_ELEMENT edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Subject[2]',
      'warning EDXML.UNKNOWN_ELEMENT edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Custom[1]',
      'warning EDXML.UNKNOWN_ELEMENT edXML/edXMLEnvelope/edXMLHeader/MessageHeader/Custom[2]',
      'warning EDXML.UNKNOWN_ELEMENT edXML/edXMLEnvelope/edXMLHeader/MessageHeader/From/Extra',
      'warning EDXML.EMPTY_ELEMENT edXML/edXMLEnvelope/edXMLHeader/MessageHeader/ToPlaces/Place[2]',
    ]);
    const pkg = result.package;
    expect(pkg.kind === 'edoc' && pkg.header.subject).toBe('first');
    expect(pkg.kind === 'edoc' && pkg.header.toPlaces).toEqual(['A']);
  });

  it('reports a missing envelope, header and header container without throwing', () => {
    expect(brief(parseEdxml(`<edXML xmlns="${NS}"/>`, { validate: false }).findings)).toEqual([
      'error EDXML.MISSING_FIELD edXML/edXMLEnvelope',
    ]);
    expect(brief(parseEdxml(`<edXML xmlns="${NS}"><edXMLEnvelope/></edXML>`, { validate: false }).findings)).toEqual([
      'error EDXML.MISSING_FIELD edXML/edXMLEnvelope/edXMLHeader',
    ]);
    const noContainer = parseEdxml(`<edXML xmlns="${NS}"><edXMLEnvelope><edXMLHeader/></edXMLEnvelope></edXML>`, {
      validate: false,
    });
    expect(brief(noContainer.findings)).toEqual(['error EDXML.MISSING_FIELD edXML/edXMLEnvelope/edXMLHeader/MessageHeader']);
    expect(noContainer.package).toEqual({
      kind: 'edoc',
      header: { to: [], responseFor: [], toPlaces: [] },
      traceHeaders: [],
      attachments: [],
    });
  });

  it('trims XML whitespace but keeps other spaces, and reads CDATA', () => {
    const xml = `<edXML xmlns="${NS}"><edXMLEnvelope><edXMLHeader><MessageHeader>
      <Subject>\n  \u00A0a  b\u00A0 \t</Subject><Content><![CDATA[<b>bold</b> & more]]></Content>
    </MessageHeader></edXMLHeader></edXMLEnvelope></edXML>`;
    const pkg = parseEdxml(xml, { validate: false }).package;
    expect(pkg.kind === 'edoc' && pkg.header.subject).toBe('\u00A0a  b\u00A0');
    expect(pkg.kind === 'edoc' && pkg.header.content).toBe('<b>bold</b> & more');
  });

  it('streams content around comments and through CDATA', () => {
    const xml = `<edXML xmlns="${NS}"><AttachmentEncoded><Attachment>
      <ContentTransferEncoded>QUJD<!-- a > comment -->RA==</ContentTransferEncoded></Attachment>
      <Attachment><ContentTransferEncoded><![CDATA[QUJD]]>RA==</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>`;
    const result = parseEdxml(xml, { validate: false });
    expect(result.contents.map((c) => c.toString('latin1'))).toEqual(['ABCD', 'ABCD']);
    expect(result.package.attachments.map((a) => a.size)).toEqual([4, 4]);
  });

  it('reports undecodable base64 and still gives deterministic content', () => {
    const xml = `<edXML xmlns="${NS}"><AttachmentEncoded><Attachment><ContentId>cid:1</ContentId>
      <ContentTransferEncoded>QUJD\nRA==QQ</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>`;
    const result = parseEdxml(xml, { validate: false });
    expect(brief(result.findings)).toEqual([
      'error EDXML.MISSING_FIELD edXML/edXMLEnvelope',
      'error EDXML.INVALID_BASE64 edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded',
    ]);
    expect(result.contents[0]?.toString('latin1')).toBe('ABCD');
  });
});

describe('reading duplicates of the attachment container', () => {
  it('streams and reads only the first AttachmentEncoded', () => {
    const xml = `<edXML xmlns="${NS}"><AttachmentEncoded><Attachment><ContentTransferEncoded>QUJD</ContentTransferEncoded></Attachment></AttachmentEncoded>
      <AttachmentEncoded><Attachment><ContentTransferEncoded>RA==</ContentTransferEncoded></Attachment></AttachmentEncoded></edXML>`;
    const result = parseEdxml(xml, { validate: false });
    expect(result.package.attachments).toHaveLength(1);
    expect(result.contents.map((c) => c.toString('latin1'))).toEqual(['ABC']);
    expect(brief(result.findings)).toEqual([
      'error EDXML.MISSING_FIELD edXML/edXMLEnvelope',
      'warning EDXML.DUPLICATE_ELEMENT edXML/AttachmentEncoded[2]',
    ]);
  });
});
