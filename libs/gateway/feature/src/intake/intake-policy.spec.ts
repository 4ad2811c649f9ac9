import { FindingCodes } from '@vdx/edxml';
import { isStrict, parseStrictFindings, uncarriable } from './intake-policy';

const MH = 'edXML/edXMLEnvelope/edXMLHeader/MessageHeader';
const finding = (code: string, path: string, severity: 'error' | 'warning' = 'error') => ({ code, path, severity, message: '' });

describe('uncarriable', () => {
  it.each([
    [FindingCodes.MISSING_FIELD, `${MH}/DocumentId`],
    [FindingCodes.MISSING_FIELD, `${MH}/ResponseFor/DocumentId`],
    [FindingCodes.MISSING_FIELD, 'edXML/edXMLEnvelope/edXMLHeader/Status/StatusCode'],
    [FindingCodes.MISSING_FIELD, 'edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/Business/DocumentId'],
    [FindingCodes.MISSING_RESPONSE_FOR, `${MH}/ResponseFor`],
    [FindingCodes.UNKNOWN_STATUS_CODE, `${MH}/StatusCode`],
    [FindingCodes.UNKNOWN_BUSINESS_TYPE, 'edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/BussinessDocType'],
    [FindingCodes.MANIFEST_ATTACHMENT_MISMATCH, 'edXML/AttachmentEncoded/Attachment[1]/ContentId'],
  ])('refuses %s at %s', (code, path) => expect(uncarriable(finding(code, path))).toEqual(expect.any(String)));

  it.each([
    [FindingCodes.MISSING_FIELD, `${MH}/Subject`, 'error'],
    [FindingCodes.MISSING_FIELD, `${MH}/ResponseFor[1]/DocumentId`, 'warning'],
    [FindingCodes.MISSING_FIELD, 'edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/DocumentId', 'warning'],
    [FindingCodes.MANIFEST_ATTACHMENT_MISMATCH, 'edXML/AttachmentEncoded/Attachment[1]/ContentType', 'warning'],
    [FindingCodes.INVALID_DATE, `${MH}/PromulgationInfo/PromulgationDate`, 'error'],
    [FindingCodes.INVALID_ORGAN_ID, `${MH}/From/OrganId`, 'error'],
    [FindingCodes.TOO_LONG, `${MH}/Code/CodeNumber`, 'error'],
    [FindingCodes.UNKNOWN_STEERING_TYPE, `${MH}/SteeringType`, 'error'],
    [FindingCodes.UNKNOWN_PRIORITY, `${MH}/OtherInfo/Priority`, 'error'],
    [FindingCodes.UNCLOSED_ELEMENT, `${MH}/From`, 'error'],
    [FindingCodes.INVALID_BASE64, 'edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded', 'error'],
  ] as const)('carries %s at %s (%s)', (code, path, severity) => expect(uncarriable(finding(code, path, severity))).toBeUndefined());
});

describe('parseStrictFindings', () => {
  it('reads codes for everyone and codes for one sender, ignoring blanks and repeats', () => {
    const r = parseStrictFindings(' EDXML.TOO_LONG , EDXML.INVALID_DATE@000.00.00.H53,,EDXML.TOO_LONG, EDXML.UNKNOWN_STEERING_TYPE @ 000.00.00.H53 ');
    expect(r).toEqual({ ok: true, policy: { everyone: ['EDXML.TOO_LONG'], bySender: { '000.00.00.H53': ['EDXML.INVALID_DATE', 'EDXML.UNKNOWN_STEERING_TYPE'] } } });
    if (!r.ok) return;
    expect([isStrict(r.policy, 'EDXML.TOO_LONG', '000.00.00.G22'), isStrict(r.policy, 'EDXML.INVALID_DATE', '000.00.00.G22'), isStrict(r.policy, 'EDXML.INVALID_DATE', '000.00.00.H53')]).toEqual([true, false, true]);
  });

  it('reads the empty setting as the lenient default', () => {
    expect(parseStrictFindings('')).toEqual({ ok: true, policy: { everyone: [], bySender: {} } });
  });

  it('reports every bad entry at once', () => {
    const r = parseStrictFindings('EDXML.TOO_LONGG,@000.00.00.H53,EDXML.TOO_LONG@H53,EDXML.TOO_LONG@,EDXML.TOO_LONG@000.00.00.H53@x,EDXML.INVALID_DATE');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual(['"EDXML.TOO_LONGG"', '"@000.00.00.H53"', '"EDXML.TOO_LONG@H53"', '"EDXML.TOO_LONG@"', '"EDXML.TOO_LONG@000.00.00.H53@x"']);
    expect(r.problems[0]).toContain('EDXML.TOO_LONGG is not a finding code');
    expect(r.problems[2]).toContain('expected <finding code>@<agency code>');
  });
});
