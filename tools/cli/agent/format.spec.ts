import { documentPackage, statusPackage } from '@vdx/edxml';
import type { SendReceipt } from '@vdx/exchange-client';
import { detectKind } from './commands';
import { formatAgentEvent } from './agent-events';
import { inboxFileName } from './agency-agent';
import { inboxItem } from './fake-exchange.spec-helpers';
import { inboxTable, receiptLines, traceLines } from './format';
import { pollInterval, statusList } from './option-parsers';

const receipt = (over: Partial<SendReceipt>): SendReceipt => ({
  packageId: 'p1',
  outcome: 'accepted',
  duplicate: false,
  bodySha256: '',
  bodySize: 10,
  acceptedAt: '',
  recipientCodes: ['000.00.00.H53'],
  warnings: [],
  errorCode: '',
  reason: '',
  findings: [],
  ...over,
});

describe('agent output', () => {
  it('prints an accepted receipt, and a rejected one with its code, reason and each finding', () => {
    expect(receiptLines(receipt({ duplicate: true }))[0]).toBe('accepted  package p1  (duplicate: the first receipt)  warnings 0');
    const rejected = receiptLines(
      receipt({ outcome: 'rejected', errorCode: 'EXCHANGE.INVALID_PACKAGE', reason: 'the package has 1 error(s)', findings: [{ code: 'EDXML.REQUIRED', path: 'edXML/Header/MessageHeader/Subject', severity: 'error', message: 'Subject is required' }] }),
    );
    expect(rejected).toEqual([
      'rejected  package p1  warnings 0',
      '  EXCHANGE.INVALID_PACKAGE: the package has 1 error(s)',
      '  EDXML.REQUIRED  edXML/Header/MessageHeader/Subject  Subject is required',
    ]);
  });

  it('aligns the inbox table and says when it is empty', () => {
    const lines = inboxTable([inboxItem('p1/000.00.00.H53', { documentId: 'D1' }), inboxItem('p22/000.00.00.H53', { kind: 'status', statusCode: '13', documentId: 'D1' })]);
    expect(lines).toHaveLength(3);
    expect(lines[0]!.indexOf('KIND')).toBe(lines[1]!.indexOf('edoc'));
    expect(lines[2]).toContain('13 D1');
    expect(inboxTable([])).toEqual(['(the inbox is empty)']);
  });

  it('prints a trace: recipients not routed, then each recipient with route, transport state and statuses', () => {
    const lines = traceLines({
      packageId: 'p1',
      senderCode: 'G22',
      documentId: 'D1',
      stage: 'routed',
      events: [],
      errorCode: '',
      reason: '',
      unroutable: [{ requestedCode: 'X99', errorCode: 'ROUTING.UNKNOWN_RECIPIENT', reason: 'no such agency' }],
      recipients: [{ recipientCode: 'SO_TC', deliveredTo: 'H53', route: 'ancestor', routeVia: ['H53'], transportState: 'acknowledged', statuses: [{ code: '01', at: '2026-11-30T08:00:00Z', description: 'arrived' }] }],
    });
    expect(lines).toEqual(['package p1  from G22  document D1  stage routed', '  X99  not routed  ROUTING.UNKNOWN_RECIPIENT: no such agency', '  SO_TC  delivered to H53  route ancestor via H53  transport acknowledged', '    01  2026-11-30T08:00:00Z  arrived']);
  });

  it('detects the package kind of a file, and refuses to guess for an unreadable one', () => {
    expect(detectKind(Buffer.from(documentPackage({ from: '000.00.00.G22', to: ['000.00.00.H53'], codeNumber: '1', codeNotation: 'VP', subject: 's' }).xml))).toBe('edoc');
    expect(detectKind(Buffer.from(statusPackage({ from: '000.00.00.H53', documentId: '000.00.00.G22,2026/11/30,1/VP', documentIssuer: '000.00.00.G22', statusCode: '01' }).xml))).toBe('status');
    expect(() => detectKind(Buffer.from('nope'))).toThrow(/--kind/);
  });

  it('formats agent events as one line each', () => {
    expect(formatAgentEvent({ event: 'acknowledged', deliveryId: 'd', result: 'fail', state: 'failed', reason: 'EDXML.MALFORMED_XML' })).toBe('d  acknowledged fail (EDXML.MALFORMED_XML) → failed');
    expect(formatAgentEvent({ event: 'parsed', deliveryId: 'd', kind: 'status', documentId: 'D1', fromCode: 'G22', statusCode: '13', errorFindings: 0 })).toContain('answer with 15');
    expect(inboxFileName('a/b')).toBe('a_b.edxml');
  });

  it('parses --poll-ms and --statuses', () => {
    expect(pollInterval('2000')).toBe(2000);
    expect(() => pollInterval('10')).toThrow();
    expect(statusList('01, 03')).toEqual(['01', '03']);
    expect(statusList('')).toEqual([]);
    expect(() => statusList('1')).toThrow();
  });
});
