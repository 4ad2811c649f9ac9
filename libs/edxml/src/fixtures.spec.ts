import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { MemorySink } from './attachment-sink';
import type { EdocPackage, StatusPackage } from './model';
import { parseEdxml, parseEdxmlStream } from './parse-package';
import { SAMPLES_DIR, brief, hex, sample } from './test-support/fixtures';
import { writePackage } from './write-package';

const H = 'edXML/edXMLEnvelope/edXMLHeader';
const MH = `${H}/MessageHeader`;
const ATT = 'edXML/AttachmentEncoded/Attachment[1]';
const STATUS_DATES = `warning EDXML.INCONSISTENT_DATES ${MH}/Timestamp`;

// Every known wart of the reference SDK samples, as findings; nothing here throws.
const EXPECTED: Record<string, string[]> = {
  'edoc.edxml': [
    'warning EDXML.UNBOUND_PREFIX edXML/AttachmentEncoded',
    `error EDXML.UNCLOSED_ELEMENT ${MH}/From`,
    `warning EDXML.NESTED_ORGANIZATION ${MH}/From/From`,
    'warning EDXML.UNBOUND_PREFIX edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference[1]/@xlink:href',
    `error EDXML.INVALID_BASE64 ${ATT}/ContentTransferEncoded`,
    `warning EDXML.INVALID_CODE_NUMBER ${MH}/Code/CodeNumber`,
    `warning EDXML.INVALID_DOCUMENT_ID ${MH}/DocumentId`,
    `warning EDXML.INCONSISTENT_DATES ${MH}/DueDate`,
    `warning EDXML.EMPTY_ELEMENT ${MH}/ResponseFor[1]`,
    `warning EDXML.INVALID_ORGAN_ID ${H}/TraceHeaderList/TraceHeader[1]/OrganId`,
    `warning EDXML.INCONSISTENT_DATES ${H}/TraceHeaderList/TraceHeader[1]/Timestamp`,
    `warning EDXML.MISSING_FIELD ${H}/TraceHeaderList/Bussiness`,
  ],
  'edoc_new.edxml': [
    `error EDXML.INVALID_ORGAN_ID ${MH}/To[1]/OrganId`,
    `warning EDXML.INVALID_CODE_NUMBER ${MH}/Code/CodeNumber`,
    `warning EDXML.DOCUMENT_ID_MISMATCH ${MH}/DocumentId`,
    `warning EDXML.INCONSISTENT_DATES ${MH}/DueDate`,
    `warning EDXML.INCONSISTENT_DATES ${H}/TraceHeaderList/TraceHeader[1]/Timestamp`,
    `warning EDXML.INVALID_DOCUMENT_ID ${H}/TraceHeaderList/Bussiness/DocumentId`,
    `warning EDXML.CONTENT_TYPE_MISMATCH ${ATT}/ContentType`,
    `warning EDXML.PLACEHOLDER_SIGNATURE ${H}/Signature`,
  ],
  'edoc_replacement.edxml': [
    `warning EDXML.DOCUMENT_ID_MISMATCH ${MH}/DocumentId`,
    `warning EDXML.MISSING_FIELD ${H}/TraceHeaderList/Bussiness/DocumentId`,
    `warning EDXML.CONTENT_TYPE_MISMATCH ${ATT}/ContentType`,
    `warning EDXML.PLACEHOLDER_SIGNATURE ${H}/Signature`,
  ],
  'edoc_revocation.edxml': [
    `warning EDXML.DOCUMENT_ID_MISMATCH ${MH}/DocumentId`,
    `warning EDXML.DOCUMENT_ID_MISMATCH ${MH}/ResponseFor[1]/DocumentId`,
    `warning EDXML.MISSING_FIELD ${H}/TraceHeaderList/Bussiness/DocumentId`,
    `warning EDXML.CONTENT_TYPE_MISMATCH ${ATT}/ContentType`,
    `warning EDXML.PLACEHOLDER_SIGNATURE ${H}/Signature`,
  ],
  'edoc_update.edxml': [
    `warning EDXML.DOCUMENT_ID_MISMATCH ${MH}/DocumentId`,
    `warning EDXML.INVALID_DOCUMENT_ID ${H}/TraceHeaderList/Bussiness/DocumentId`,
    `warning EDXML.CONTENT_TYPE_MISMATCH ${ATT}/ContentType`,
    `warning EDXML.PLACEHOLDER_SIGNATURE ${H}/Signature`,
  ],
  'status.edxml': [`warning EDXML.DOCUMENT_ID_MISMATCH ${MH}/ResponseFor/DocumentId`],
  'status_acceptance_03.edxml': [STATUS_DATES],
  'status_assignment_04.edxml': [STATUS_DATES],
  'status_cancellation_13.edxml': [`warning EDXML.DOCUMENT_ID_MISMATCH ${MH}/ResponseFor/DocumentId`, STATUS_DATES],
  'status_change-acceptance_15.edxml': [STATUS_DATES],
  'status_change-rejection_16.edxml': [STATUS_DATES],
  'status_finish_06.edxml': [STATUS_DATES],
  'status_inbox_01.edxml': [STATUS_DATES],
  'status_processing_05.edxml': [STATUS_DATES],
  'status_rejection_02.edxml': [STATUS_DATES],
};

const FIXTURES = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.edxml')).sort();

function edoc(name: string): EdocPackage {
  const pkg = parseEdxml(sample(name)).package;
  if (pkg.kind !== 'edoc') throw new Error(`${name} is not an edoc`);
  return pkg;
}

function status(name: string): StatusPackage {
  const pkg = parseEdxml(sample(name)).package;
  if (pkg.kind !== 'status') throw new Error(`${name} is not a status`);
  return pkg;
}

describe('reference SDK samples', () => {
  it('covers every fixture in the folder', () => {
    expect(FIXTURES).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(FIXTURES)('%s yields exactly its known findings', (name) => {
    expect(brief(parseEdxml(sample(name)).findings)).toEqual(EXPECTED[name]);
  });

  it.each(FIXTURES)('%s survives parse → write → parse unchanged', (name) => {
    const first = parseEdxml(sample(name));
    const xml = writePackage(first.package, { contents: first.contents, dialect: first.dialect });
    const second = parseEdxml(xml);
    expect(second.package).toStrictEqual(first.package);
    expect(second.dialect).toEqual(first.dialect);
    expect(hex(second.contents)).toEqual(hex(first.contents));
    // Writing is a fixed point after one pass.
    expect(writePackage(second.package, { contents: second.contents, dialect: second.dialect })).toBe(xml);
  });

  it.each(FIXTURES)('%s parses the same from a stream of small chunks', async (name) => {
    const bytes = sample(name);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 997) chunks.push(bytes.subarray(i, i + 997));
    const sink = new MemorySink();
    const streamed = await parseEdxmlStream(Readable.from(chunks), sink);
    const buffered = parseEdxml(bytes);
    expect(streamed.package).toStrictEqual(buffered.package);
    expect(streamed.findings).toEqual(buffered.findings);
    expect(streamed.bytesRead).toBe(bytes.length);
    expect(hex(sink.contents(buffered.package.attachments.length))).toEqual(hex(buffered.contents));
  });

  it('reads a new document with its recipient, business block and attachment', () => {
    const pkg = edoc('edoc_new.edxml');
    expect(pkg.header.from?.organId).toBe('000.00.00.A80');
    expect(pkg.header.to.map((t) => t.organId)).toEqual(['28.22.H17']);
    expect(pkg.header.documentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(pkg.header.code).toEqual({ codeNumber: '74fass22', codeNotation: 'VPCP-TTĐT' });
    expect(pkg.header.otherInfo).toEqual({
      priority: '0',
      sphereOfPromulgation: 'Liên thông văn bản quốc gia',
      typerNotation: 'TVC',
      promulgationAmount: '2',
      pageAmount: '22',
      direction: 'false',
      appendixes: ['Công văn về việc kết nối, liên thông phần mềm quản lý văn bản'],
    });
    expect(pkg.header.toPlaces).toEqual(['Cac bo va co quan ngang bo', 'Uy ban nhan dan cac tinh, TP']);
    expect(pkg.traceHeaders).toEqual([{ organId: '000.00.00.G22', timestamp: '2018/09/28 00:00:00' }]);
    expect(pkg.business).toEqual({
      documentId: '000.00.00.G22,2014/02/30,7806/VPCP-TTĐT',
      businessDocType: '0',
      businessDocReason: 'Văn bản điện tử mới',
      paper: '0',
      staffInfo: {
        department: 'Văn thư văn phòng',
        staff: 'Nguyễn Thị Ngọc Trâm',
        email: 'vanthuvanphong@gov.vn',
        mobile: '84912000001',
      },
    });
    expect(pkg.manifest).toEqual({
      version: '1.0',
      references: [
        {
          contentId: 'cid:209',
          contentType: 'application/zip',
          description: '1896_QD-TTg_m_294779.doc',
          attachmentName: '1896_QD-TTg_m_294779.doc',
        },
      ],
    });
    const [attachment] = pkg.attachments;
    expect(attachment).toMatchObject({ contentId: 'cid:209', contentType: 'application/zip', size: 270823 });
    expect(attachment?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('decodes attachment content byte for byte (the .doc is really a zip)', () => {
    const { contents } = parseEdxml(sample('edoc_new.edxml'));
    expect(contents[0]?.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
  });

  it('reads the update receiver list', () => {
    const b = edoc('edoc_update.edxml').business;
    expect(b?.businessDocType).toBe('2');
    expect(b?.businessDocumentInfo).toEqual({
      documentInfo: '1',
      documentReceiver: '1',
      receiverList: [
        { organId: '000.00.00.H41', receiverType: '0' },
        { organId: '000.00.00.H14', receiverType: '1' },
      ],
    });
  });

  it('reads the replacement info list', () => {
    const b = edoc('edoc_replacement.edxml').business;
    expect(b?.businessDocType).toBe('3');
    expect(b?.replacementInfoList).toEqual([
      { documentId: '000.00.00.G22,2014/01/30,7806/VPCP-TTĐT', organIdList: ['000.00.00.H41', '000.00.00.H14'] },
      { documentId: '000.00.00.G22,2014/01/30,7806/VPCP-TTĐT', organIdList: ['000.00.00.H41', '000.00.00.H14'] },
    ]);
  });

  it('reads the revocation and the document it points at', () => {
    const pkg = edoc('edoc_revocation.edxml');
    expect(pkg.business?.businessDocType).toBe('1');
    expect(pkg.header.responseFor).toEqual([
      {
        organId: '000.00.00.H14',
        code: '267/VPCP-TTĐT',
        documentId: '000.00.04.G14,2012/08/06,267/VPCP-TTĐT',
        promulgationDate: '2018/09/28',
      },
    ]);
  });

  it('keeps the signature block and what a verifier needs first', () => {
    const sig = edoc('edoc_new.edxml').signature;
    expect(sig?.signatureMethod).toBe('http://www.w3.org/2000/09/xmldsig#rsa-sha1');
    expect(sig?.digestMethod).toBe('http://www.w3.org/2000/09/xmldsig#sha1');
    expect(sig?.digestValue).toBe('FwgIqsSYJshUS2+wlOM61L+q7Aw=');
    expect(sig?.x509Certificates).toEqual(['MIIFqTCCBJG']);
    expect(sig?.x509SubjectNames).toEqual(['CN=user05']);
    // Unprefixed Signature inherited the edXML default namespace; the copy says so explicitly.
    expect(sig?.xml.startsWith('<Signature xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">')).toBe(true);
    expect(sig?.xml.endsWith('</Signature>')).toBe(true);
  });

  it('repairs the unclosed From of edoc.edxml so the header keeps its fields', () => {
    const pkg = edoc('edoc.edxml');
    expect(pkg.header.from?.organId).toBe('777.77.04.D77');
    expect(pkg.header.to.map((t) => t.organId)).toEqual(['777.77.03.D77']);
    expect(pkg.header.subject).toBe('Văn bản liên thông chỉ đạo - 190701');
    expect(pkg.header.responseFor).toEqual([{}]);
    expect(pkg.signature?.x509Certificates[0]?.startsWith('MIIGADCCA+igAwIBAgIQ')).toBe(true);
  });

  it.each([
    ['status_inbox_01.edxml', '01'],
    ['status_rejection_02.edxml', '02'],
    ['status_acceptance_03.edxml', '03'],
    ['status_assignment_04.edxml', '04'],
    ['status_processing_05.edxml', '05'],
    ['status_finish_06.edxml', '06'],
    ['status_cancellation_13.edxml', '13'],
    ['status_change-acceptance_15.edxml', '15'],
    ['status_change-rejection_16.edxml', '16'],
  ])('%s is a status package with code %s', (name, code) => {
    const pkg = status(name);
    expect(pkg.header.statusCode).toBe(code);
    expect(pkg.header.responseFor?.documentId).toBe('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT');
    expect(pkg.attachments).toEqual([]);
  });

  it('reads every field of a status package', () => {
    expect(status('status.edxml').header).toEqual({
      from: {
        organId: '000.00.00.H41',
        organizationInCharge: 'UBND Tỉnh Nghệ An',
        organName: 'UBND Tỉnh Nghệ An',
        organAdd: 'Số 03, đường Trường Thi, Thành phố Vinh, Tỉnh Nghệ An, Việt Nam',
        email: 'nghean@gov.vn',
        telephone: '0383 840418',
        fax: '0383 843049',
        website: 'www.nghean.vn',
      },
      responseFor: {
        organId: '000.00.00.G22',
        code: '7816/VPCP-TTĐT',
        documentId: '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT',
        promulgationDate: '2018/09/28',
      },
      staffInfo: {
        department: 'Văn thư văn phòng',
        staff: 'Nguyễn Thị Ngọc Trâm',
        email: 'vanthuvanphong@gov.vn',
        mobile: '84912000001',
      },
      statusCode: '01',
      description: 'Văn thư - Phòng Văn thư - Lưu trữ: Đã đến - Phần mềm QLVB đã nhận nhưng văn thư chưa xử lý',
      timestamp: '2018/09/28 17:25:11',
    });
  });

  it('returns plain data that survives JSON (safe to embed in events)', () => {
    for (const name of FIXTURES) {
      const { package: pkg } = parseEdxml(sample(name));
      expect(JSON.parse(JSON.stringify(pkg))).toStrictEqual(pkg);
    }
  });
});
