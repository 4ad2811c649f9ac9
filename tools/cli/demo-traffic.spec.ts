import { describePlan, summaryLines, vietnamDate, type DemoSummary } from './demo-traffic';
import { planTraffic } from './demo-plan';

const summary: DemoSummary = {
  runTag: 'ABC',
  seed: 5,
  days: 2,
  durationMs: 42_920,
  complete: true,
  provisioning: { registered: [], existing: ['000.00.00.G22'], certificatesIssued: [], connected: [] },
  sent: { documents: 24, refused: 2, statuses: 99 },
  documents: { accepted: 24, urgent: 2, invalidSignature: 4, unsigned: 20 },
  refusedByCode: { 'EDXML.MALFORMED_XML': 1, 'EXCHANGE.NO_RECIPIENTS': 1 },
  statuses: { '01': 47, '03': 29 },
  copies: { planned: 55, acknowledgedDone: 47, acknowledgedFailed: 2, late: 6, pending: 0 },
  statusesFetchedByIssuers: 99,
  late: { copies: 6, deadline: '2026-12-03T10:00:00.000Z' },
  unexpected: [],
};

describe('vietnamDate', () => {
  it('is the calendar day in Vietnam (UTC+7), which starts at 17:00 UTC', () => {
    expect(vietnamDate(new Date('2026-12-03T16:59:59Z'))).toBe('2026/12/03');
    expect(vietnamDate(new Date('2026-12-03T17:00:00Z'))).toBe('2026/12/04');
    expect(vietnamDate(new Date('2026-12-31T18:00:00Z'))).toBe('2027/01/01');
  });
});

describe('the summary', () => {
  it('says what was sent, refused by code, taken in, left late and sent back, with the deadline in Vietnam time and the console', () => {
    const lines = summaryLines(summary, 'http://127.0.0.1:3006/console/');
    expect(lines).toEqual([
      'demo traffic ABC (seed 5, 2 day(s) of pattern) in 42.9 s',
      '  documents sent   24 (24 accepted; 2 urgent; 20 unsigned, 4 with an invalid signature block)',
      '  refused          2: EDXML.MALFORMED_XML 1, EXCHANGE.NO_RECIPIENTS 1',
      '  copies           55: 47 taken in, 2 acknowledged fail, 6 left late',
      '  statuses back    99: 01 47, 03 29; 99 fetched by their issuers',
      '  late             6 copies not fetched and with no 01: missed at 2026-12-03 17:00 Vietnam time (Decree 30 deadline)',
      'open http://127.0.0.1:3006/console/ to see it (the statistics count every package on the day the gateway accepted it: today)',
    ]);
  });

  it('says when the run is not complete, what is pending and what did not go as planned', () => {
    const lines = summaryLines(
      { ...summary, complete: false, copies: { ...summary.copies, pending: 3 }, refusedByCode: {}, unexpected: [{ what: 'refused send 7', expected: 'EXCHANGE.KIND_MISMATCH', got: 'accepted' }] },
      'http://x/console/',
    );
    expect(lines[0]).toContain('NOT COMPLETE');
    expect(lines).toContain('  refused          2: none');
    expect(lines).toContain('  copies           55: 47 taken in, 2 acknowledged fail, 6 left late, 3 still pending');
    expect(lines).toContain('  unexpected       1:');
    expect(lines).toContain('    refused send 7: expected EXCHANGE.KIND_MISMATCH, got accepted');
  });

  it('describes a plan in one line', () => {
    const plan = planTraffic({ days: 1, documents: 20, seed: 1 });
    const t = plan.totals;
    expect(describePlan(plan)).toBe(
      `plan (seed 1): 20 documents over 1 day(s) of office hours in ${plan.bursts.length} bursts, ${t.copies} copies (${t.late} left late, ${t.failed} acknowledged fail), ${t.statuses} statuses back, 2 refused sends, 2 urgent, 3 with an invalid signature block`,
    );
  });
});
