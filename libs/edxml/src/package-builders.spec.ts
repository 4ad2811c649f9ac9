import { documentPackage, statusPackage } from './package-builders';
import { parseEdxml } from './parse-package';

const errors = (xml: string) => parseEdxml(xml).findings.filter((f) => f.severity === 'error');

describe('package builders', () => {
  it('build a new document the validator accepts and the parser reads back', () => {
    const built = documentPackage({
      from: '000.00.00.H53',
      to: ['000.00.00.G22', '000.00.32.H53'],
      codeNumber: '12',
      codeNotation: 'UBND-VP',
      promulgationDate: '2026/11/30',
      subject: 'Về việc thử nghiệm liên thông',
      attachments: [{ name: 'vanban.pdf', bytes: Buffer.from('%PDF-1.7 thử') }],
    });
    expect(built.documentId).toBe('000.00.00.H53,2026/11/30,12/UBND-VP');
    expect(errors(built.xml)).toEqual([]);
    const read = parseEdxml(built.xml);
    expect(read.package.kind).toBe('edoc');
    expect(read.contents[0]!.toString()).toBe('%PDF-1.7 thử');
  });

  it('build revoke, update and replace packages that point at the earlier document', () => {
    const earlier = '000.00.00.H53,2026/11/30,12/UBND-VP';
    const update = documentPackage({
      from: '000.00.00.H53',
      to: ['000.00.00.G22'],
      codeNumber: '13',
      codeNotation: 'UBND-VP',
      subject: 'Cập nhật',
      businessDocType: '2',
      relatedDocumentId: earlier,
      receiverChanges: [{ organId: '000.00.32.H53', receiverType: '0' }],
    });
    const replace = documentPackage({
      from: '000.00.00.H53',
      to: ['000.00.00.G22'],
      codeNumber: '14',
      codeNotation: 'UBND-VP',
      subject: 'Thay thế',
      businessDocType: '3',
      relatedDocumentId: earlier,
      replaces: [{ documentId: earlier, organIds: ['000.00.00.G22'] }],
    });
    for (const built of [update, replace]) {
      expect(errors(built.xml)).toEqual([]);
      expect(parseEdxml(built.xml).package.business?.documentId).toBe(earlier);
    }
  });

  it('builds an update of the content alone (no receiver changes)', () => {
    const update = documentPackage({ from: '000.00.00.H53', to: ['000.00.00.G22'], codeNumber: '15', codeNotation: 'UBND-VP', subject: 'Cập nhật nội dung', businessDocType: '2', relatedDocumentId: '000.00.00.H53,2026/11/30,12/UBND-VP' });
    expect(errors(update.xml)).toEqual([]);
  });

  it.each(['01', '02', '03', '04', '05', '06', '13', '15', '16'])('build a valid status %s', (statusCode) => {
    const built = statusPackage({ from: '000.00.00.G22', documentId: '000.00.00.H53,2026/11/30,12/UBND-VP', documentIssuer: '000.00.00.H53', statusCode });
    expect(errors(built.xml)).toEqual([]);
    const read = parseEdxml(built.xml).package;
    expect(read.kind === 'status' && read.header.statusCode).toBe(statusCode);
  });
});
