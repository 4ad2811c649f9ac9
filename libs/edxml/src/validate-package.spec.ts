import { createHash } from 'node:crypto';
import type { Business, EdocHeader, EdocPackage, StatusHeader, StatusPackage } from './model';
import { brief } from './test-support/fixtures';
import { validatePackage, type ValidateOptions } from './validate-package';

const H = 'edXML/edXMLEnvelope/edXMLHeader';
const MH = `${H}/MessageHeader`;
const B = `${H}/TraceHeaderList/Bussiness`;
const SHA = createHash('sha256').update('x').digest('hex');

const edoc = (header: Partial<EdocHeader> = {}, rest: Partial<Omit<EdocPackage, 'kind' | 'header'>> = {}): EdocPackage => ({
  kind: 'edoc',
  header: {
    from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
    to: [{ organId: '000.00.00.H53', organName: 'UBND tỉnh Tây Ninh' }],
    documentId: '000.00.00.G22,2025/03/12,123/VPCP-TTĐT',
    code: { codeNumber: '123', codeNotation: 'VPCP-TTĐT' },
    promulgationInfo: { place: 'Hà Nội', promulgationDate: '2025/03/12' },
    subject: 'V/v kết nối liên thông',
    signerInfo: { position: 'Bộ trưởng', fullName: 'Nguyễn Văn A' },
    dueDate: '2025/03/20',
    otherInfo: { priority: '1', appendixes: [] },
    responseFor: [],
    steeringType: '2',
    toPlaces: [],
    ...header,
  },
  traceHeaders: [{ organId: '000.00.00.G22', timestamp: '2025/03/12 09:30:00' }],
  business: { businessDocType: '0' },
  manifest: { version: '1.0', references: [{ contentId: 'cid:1', contentType: 'application/pdf', attachmentName: 'cv.pdf' }] },
  attachments: [{ contentId: 'cid:1', contentType: 'application/pdf', attachmentName: 'cv.pdf', size: 1, sha256: SHA }],
  ...rest,
});

const status = (header: Partial<StatusHeader> = {}): StatusPackage => ({
  kind: 'status',
  header: {
    from: { organId: '000.00.00.H53', organName: 'UBND tỉnh Tây Ninh' },
    responseFor: {
      organId: '000.00.00.G22',
      code: '123/VPCP-TTĐT',
      promulgationDate: '2025/03/12',
      documentId: '000.00.00.G22,2025/03/12,123/VPCP-TTĐT',
    },
    statusCode: '01',
    timestamp: '2025/03/12 10:00:00',
    ...header,
  },
  traceHeaders: [],
  attachments: [],
});

const withBusiness = (business: Business): EdocPackage => edoc({}, { business });
const check = (pkg: EdocPackage | StatusPackage, options?: ValidateOptions): string[] => brief(validatePackage(pkg, options));

describe('validatePackage', () => {
  it('finds nothing in a conforming document or status', () => {
    expect(check(edoc())).toEqual([]);
    expect(check(status())).toEqual([]);
  });

  it('returns every problem at once, with a message each', () => {
    const findings = validatePackage(
      edoc({ from: undefined, to: [], subject: undefined, steeringType: '9', otherInfo: { priority: '7', appendixes: [] } }),
    );
    expect(brief(findings)).toEqual([
      `error EDXML.MISSING_FIELD ${MH}/From`,
      `error EDXML.MISSING_FIELD ${MH}/To`,
      `error EDXML.MISSING_FIELD ${MH}/Subject`,
      `error EDXML.UNKNOWN_PRIORITY ${MH}/OtherInfo/Priority`,
      `error EDXML.UNKNOWN_STEERING_TYPE ${MH}/SteeringType`,
    ]);
    for (const f of findings) expect(f.message.length).toBeGreaterThan(5);
  });

  describe('agency codes', () => {
    it('is an error for a malformed recipient, sender or receiver; a warning for a trace header', () => {
      expect(check(edoc({ to: [{ organId: '28.22.H17', organName: 'x' }] }))).toEqual([
        `error EDXML.INVALID_ORGAN_ID ${MH}/To[1]/OrganId`,
      ]);
      expect(check(edoc({}, { traceHeaders: [{ organId: '01.02.G22', timestamp: '2025/03/12 09:30:00' }] }))).toEqual([
        `warning EDXML.INVALID_ORGAN_ID ${H}/TraceHeaderList/TraceHeader[1]/OrganId`,
      ]);
      expect(check(status({ from: { organId: '000.00.00.h53', organName: 'x' } }))).toEqual([
        `error EDXML.INVALID_ORGAN_ID ${MH}/From/OrganId`,
      ]);
    });

    it('flags a recipient listed twice', () => {
      const to = { organId: '000.00.00.H53', organName: 'Tây Ninh' };
      expect(check(edoc({ to: [to, to] }))).toEqual([`warning EDXML.DUPLICATE_RECIPIENT ${MH}/To[2]/OrganId`]);
    });
  });

  describe('Decree 30 lengths', () => {
    it.each([
      ['Subject', { subject: 'a'.repeat(501) }, `${MH}/Subject`],
      ['CodeNumber', { code: { codeNumber: '123456789012', codeNotation: 'X' } }, `${MH}/Code/CodeNumber`],
      ['CodeNotation', { code: { codeNumber: '1', codeNotation: 'N'.repeat(31) } }, `${MH}/Code/CodeNotation`],
      ['Position', { signerInfo: { position: 'p'.repeat(101), fullName: 'A' } }, `${MH}/SignerInfo/Position`],
      ['FullName', { signerInfo: { fullName: 'f'.repeat(51) } }, `${MH}/SignerInfo/FullName`],
      ['OrganName', { to: [{ organId: '000.00.00.H53', organName: 'o'.repeat(201) }] }, `${MH}/To[1]/OrganName`],
      ['OrganAdd', { to: [{ organId: '000.00.00.H53', organName: 'o', organAdd: 'a'.repeat(501) }] }, `${MH}/To[1]/OrganAdd`],
      ['Email', { from: { organId: '000.00.00.G22', organName: 'o', email: `${'e'.repeat(96)}@x.vn` } }, `${MH}/From/Email`],
    ])('%s over the limit is EDXML.TOO_LONG', (_, header, path) => {
      const findings = check(edoc(header)).filter((f) => f.includes('TOO_LONG'));
      expect(findings).toEqual([`error EDXML.TOO_LONG ${path}`]);
    });

    it('counts characters, not bytes', () => {
      expect(check(edoc({ subject: 'Đ'.repeat(500) }))).toEqual([]);
      expect(check(edoc({ signerInfo: { fullName: '😀'.repeat(50) } }))).toEqual([]);
    });
  });

  describe('dates and document ids', () => {
    it('rejects impossible dates and malformed timestamps', () => {
      expect(check(edoc({ promulgationInfo: { promulgationDate: '2025/02/29' } }))).toEqual([
        `error EDXML.INVALID_DATE ${MH}/PromulgationInfo/PromulgationDate`,
        `warning EDXML.DOCUMENT_ID_MISMATCH ${MH}/DocumentId`,
      ]);
      expect(check(edoc({ dueDate: '20/03/2025' }))).toEqual([`error EDXML.INVALID_DATE ${MH}/DueDate`]);
      expect(check(status({ timestamp: '2025/03/12T10:00:00' }))).toEqual([`error EDXML.INVALID_DATE ${MH}/Timestamp`]);
      expect(check(status({ timestamp: '2025/03/12 24:00:00' }))).toEqual([`error EDXML.INVALID_DATE ${MH}/Timestamp`]);
      expect(check(edoc({ dueDate: '2024/02/29', promulgationInfo: { promulgationDate: '2024/02/28' } }))).toContain(
        `warning EDXML.DOCUMENT_ID_MISMATCH ${MH}/DocumentId`,
      );
    });

    it('flags dates in the wrong order', () => {
      expect(check(edoc({ dueDate: '2025/03/11' }))).toEqual([`warning EDXML.INCONSISTENT_DATES ${MH}/DueDate`]);
      expect(check(status({ timestamp: '2025/03/11 23:59:59' }))).toEqual([`warning EDXML.INCONSISTENT_DATES ${MH}/Timestamp`]);
    });

    it('checks the DocumentId form and that it agrees with the header', () => {
      expect(check(edoc({ documentId: '9fbfbad2-f1f8-4256-a2eb-50fb1061cddb' }))).toEqual([
        `warning EDXML.INVALID_DOCUMENT_ID ${MH}/DocumentId`,
      ]);
      expect(check(edoc({ documentId: '000.00.00.G22,2025/03/12,124/VPCP-TTĐT' }))).toEqual([
        `warning EDXML.DOCUMENT_ID_MISMATCH ${MH}/DocumentId`,
      ]);
      expect(check(edoc({ documentId: undefined }))).toEqual([`error EDXML.MISSING_FIELD ${MH}/DocumentId`]);
    });

    it('flags a CodeNumber not written in digits', () => {
      expect(check(edoc({ code: { codeNumber: '12a', codeNotation: 'VPCP-TTĐT' } }))).toEqual([
        `warning EDXML.INVALID_CODE_NUMBER ${MH}/Code/CodeNumber`,
        `warning EDXML.DOCUMENT_ID_MISMATCH ${MH}/DocumentId`,
      ]);
    });
  });

  describe('status packages', () => {
    it('requires ResponseFor', () => {
      expect(check(status({ responseFor: undefined }))).toEqual([`error EDXML.MISSING_RESPONSE_FOR ${MH}/ResponseFor`]);
      expect(check(status({ responseFor: {} }))).toEqual([
        `error EDXML.MISSING_FIELD ${MH}/ResponseFor/OrganId`,
        `error EDXML.MISSING_FIELD ${MH}/ResponseFor/DocumentId`,
      ]);
    });

    it.each(['01', '02', '03', '04', '05', '06', '13', '15', '16'])('accepts status code %s', (code) => {
      expect(check(status({ statusCode: code }))).toEqual([]);
    });

    it.each(['00', '1', '07', '14', '17', 'done'])('rejects status code %s', (code) => {
      expect(check(status({ statusCode: code }))).toEqual([`error EDXML.UNKNOWN_STATUS_CODE ${MH}/StatusCode`]);
    });

    it('names paths after the sender\'s container', () => {
      expect(check(status({ statusCode: undefined }), { dialect: { headerElement: 'Status' } })).toEqual([
        `error EDXML.MISSING_FIELD ${H}/Status/StatusCode`,
      ]);
    });
  });

  describe('business types', () => {
    it('rejects an unknown business type', () => {
      expect(check(withBusiness({ businessDocType: '4' }))).toEqual([`error EDXML.UNKNOWN_BUSINESS_TYPE ${B}/BussinessDocType`]);
      expect(check(withBusiness({}))).toEqual([`error EDXML.MISSING_FIELD ${B}/BussinessDocType`]);
      expect(check(withBusiness({ businessDocType: '4' }), { dialect: { businessElement: 'Business' } })).toEqual([
        `error EDXML.UNKNOWN_BUSINESS_TYPE ${H}/TraceHeaderList/Business/BusinessDocType`,
      ]);
    });

    it('requires the earlier DocumentId for revoke, update and replace', () => {
      expect(check(withBusiness({ businessDocType: '1' }))).toEqual([`error EDXML.MISSING_FIELD ${B}/DocumentId`]);
      expect(
        check(
          edoc(
            { responseFor: [{ organId: '000.00.00.G22', documentId: '000.00.00.G22,2025/03/01,100/VPCP-TTĐT' }] },
            { business: { businessDocType: '1' } },
          ),
        ),
      ).toEqual([`warning EDXML.MISSING_FIELD ${B}/DocumentId`]);
    });

    it('requires the receiver list for an update', () => {
      const earlier = '000.00.00.G22,2025/03/01,100/VPCP-TTĐT';
      expect(check(withBusiness({ businessDocType: '2', documentId: earlier }))).toEqual([
        `error EDXML.MISSING_FIELD ${B}/BussinessDocumentInfo`,
      ]);
      expect(check(withBusiness({ businessDocType: '2', documentId: earlier, businessDocumentInfo: { documentInfo: '1' } }))).toEqual([
        `error EDXML.MISSING_FIELD ${B}/BussinessDocumentInfo/ReceiverList`,
      ]);
      // DocumentReceiver 0: only the document information changed.
      expect(
        check(withBusiness({ businessDocType: '2', documentId: earlier, businessDocumentInfo: { documentInfo: '1', documentReceiver: '0' } })),
      ).toEqual([]);
      expect(
        check(
          withBusiness({
            businessDocType: '2',
            documentId: earlier,
            businessDocumentInfo: { receiverList: [{ organId: '28.22.H17', receiverType: '2' }, { receiverType: '1' }] },
          }),
        ),
      ).toEqual([
        `error EDXML.INVALID_ORGAN_ID ${B}/BussinessDocumentInfo/ReceiverList/Receiver[1]/OrganId`,
        `error EDXML.UNKNOWN_RECEIVER_TYPE ${B}/BussinessDocumentInfo/ReceiverList/Receiver[1]/ReceiverType`,
        `error EDXML.MISSING_FIELD ${B}/BussinessDocumentInfo/ReceiverList/Receiver[2]/OrganId`,
      ]);
    });

    it('requires replacement info for a replace', () => {
      expect(check(withBusiness({ businessDocType: '3' }))).toEqual([
        `error EDXML.MISSING_FIELD ${B}/DocumentId`,
        `error EDXML.MISSING_FIELD ${B}/ReplacementInfoList`,
      ]);
      expect(
        check(withBusiness({ businessDocType: '3', replacementInfoList: [{ organIdList: [] }, { documentId: 'x', organIdList: ['bad'] }] })),
      ).toEqual([
        `error EDXML.MISSING_FIELD ${B}/DocumentId`,
        `error EDXML.MISSING_FIELD ${B}/ReplacementInfoList/ReplacementInfo[1]/DocumentId`,
        `error EDXML.MISSING_FIELD ${B}/ReplacementInfoList/ReplacementInfo[1]/OrganIdList`,
        `warning EDXML.INVALID_DOCUMENT_ID ${B}/ReplacementInfoList/ReplacementInfo[2]/DocumentId`,
        `error EDXML.INVALID_ORGAN_ID ${B}/ReplacementInfoList/ReplacementInfo[2]/OrganIdList/OrganId[1]`,
      ]);
    });

    it('warns when a document carries no business block', () => {
      expect(check(edoc({}, { business: undefined }))).toEqual([`warning EDXML.MISSING_FIELD ${B}`]);
      expect(check(status())).toEqual([]);
    });
  });

  describe('manifest and attachments', () => {
    const att = { contentId: 'cid:1', contentType: 'application/pdf', attachmentName: 'cv.pdf', size: 1, sha256: SHA };
    const ref = { contentId: 'cid:1', contentType: 'application/pdf', attachmentName: 'cv.pdf' };
    const A = 'edXML/AttachmentEncoded/Attachment';
    const R = 'edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference';

    it('links references and attachments by content id', () => {
      expect(check(edoc({}, { attachments: [{ ...att, contentId: 'cid:2' }] }))).toEqual([
        `error EDXML.MANIFEST_ATTACHMENT_MISMATCH ${R}[1]/ContentId`,
        `error EDXML.MANIFEST_ATTACHMENT_MISMATCH ${A}[1]/ContentId`,
      ]);
      expect(check(edoc({}, { attachments: [{ ...att, contentId: '1' }] }))).toEqual([`warning EDXML.INVALID_CONTENT_ID ${A}[1]/ContentId`]);
      expect(check(edoc({}, { manifest: undefined }))).toEqual(['error EDXML.MISSING_FIELD edXML/edXMLEnvelope/edXMLBody/edXMLManifest']);
    });

    it('flags disagreeing names and types, and duplicates', () => {
      expect(check(edoc({}, { attachments: [{ ...att, attachmentName: 'other.pdf' }] }))).toEqual([
        `warning EDXML.MANIFEST_ATTACHMENT_MISMATCH ${A}[1]/AttachmentName`,
      ]);
      expect(check(edoc({}, { manifest: { references: [{ ...ref, contentType: 'application/zip' }] } }))).toEqual([
        `warning EDXML.MANIFEST_ATTACHMENT_MISMATCH ${A}[1]/ContentType`,
      ]);
      expect(check(edoc({}, { manifest: { references: [ref, ref] }, attachments: [att, att] }))).toEqual([
        `error EDXML.DUPLICATE_CONTENT_ID ${R}[2]/ContentId`,
        `error EDXML.DUPLICATE_CONTENT_ID ${A}[2]/ContentId`,
      ]);
    });

    it('flags a content type that does not fit the file, like a .doc declared as zip', () => {
      const doc = { ...att, attachmentName: 'qd.doc', contentType: 'application/zip' };
      expect(check(edoc({}, { manifest: { references: [{ contentId: 'cid:1' }] }, attachments: [doc] }))).toEqual([
        `warning EDXML.CONTENT_TYPE_MISMATCH ${A}[1]/ContentType`,
      ]);
      const octet = { ...att, contentType: 'application/octet-stream' };
      expect(check(edoc({}, { manifest: { references: [{ contentId: 'cid:1' }] }, attachments: [octet] }))).toEqual([]);
    });

    it('requires content', () => {
      expect(check(edoc({}, { attachments: [{ ...att, size: 0 }] }))).toEqual([
        `error EDXML.MISSING_FIELD ${A}[1]/ContentTransferEncoded`,
      ]);
    });
  });

  it('flags a placeholder signature', () => {
    const signature = {
      xml: '<Signature/>',
      signatureValue: 'GbVb8n9+qFxz466Ag0sbpVdLPs2R0+9JBekp12UyarAZjoG0W/kPZZJ1auRZDcNcrSwzgkQMpqrjwxcy3ejzbY/ON5USUPgoYNYM8p4w',
      x509Certificates: ['MIIFqTCCBJG'],
      x509SubjectNames: [],
    };
    const findings = validatePackage(edoc({}, { signature }));
    expect(brief(findings)).toEqual([`warning EDXML.PLACEHOLDER_SIGNATURE ${H}/Signature`]);
    expect(findings[0]?.message).toContain('X509Certificate[1]');
    expect(check(edoc({}, { signature: { ...signature, signatureValue: undefined } }))).toEqual([
      `warning EDXML.PLACEHOLDER_SIGNATURE ${H}/Signature`,
    ]);
  });
});
