import { SignatureRecheckedEvent, type PackageRef } from '@vdx/contracts';
import { evidenceOf, formatRecheck, recheckedEvent, recheckSettings, SignatureCommandError, type RecordedVerdict, type RecheckSummary } from './signature';

const base = { refuse: '', requireTimestamp: false, maxVerifyMb: 2, allowedHosts: 'ocsp.ca.gov.vn, *.neac.gov.vn', timeoutMs: 1000, budgetMs: 5000, offline: false, any: false };

describe('vdx signature recheck options', () => {
  it('become the verifier settings the service would use', () => {
    expect(recheckSettings({ ...base, trustAnchors: '/a.pem', rules: '/r.json', refuse: 'invalid' })).toEqual({
      mode: 'cryptographic', trustAnchorsPath: '/a.pem', rulesPath: '/r.json', refuse: ['invalid'], requireTimestamp: false, maxBytesInMemory: 2 * 1024 * 1024,
      allowedHosts: ['ocsp.ca.gov.vn', '*.neac.gov.vn'], requestTimeoutMs: 1000, packageBudgetMs: 5000, keepEvidence: true,
    });
    // The TSA trust anchors, when given, as the service takes them from SIGNATURE_TSA_TRUST_ANCHORS_PATH.
    expect(recheckSettings({ ...base, trustAnchors: '/a.pem', tsaTrustAnchors: '/tsa.pem' })).toMatchObject({ trustAnchorsPath: '/a.pem', tsaTrustAnchorsPath: '/tsa.pem' });
  });

  it('refuse a missing trust anchor bundle and an unknown status with SIGNATURE.BAD_OPTION', () => {
    const codeOf = (f: () => unknown): string => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SignatureCommandError);
        return `${(e as SignatureCommandError).code}: ${(e as Error).message}`;
      }
      throw new Error('expected a refusal');
    };
    expect(codeOf(() => recheckSettings(base))).toBe('SIGNATURE.BAD_OPTION: --trust-anchors (or SIGNATURE_TRUST_ANCHORS_PATH) is required');
    expect(codeOf(() => recheckSettings({ ...base, trustAnchors: '/a.pem', refuse: 'invalid,revoked' }))).toBe('SIGNATURE.BAD_OPTION: --refuse: unknown status revoked (invalid, indeterminate, unsigned)');
  });
});

const ref = { packageId: 'pkg-1', documentId: 'H53,2026/12/01,7/UBND-VP', senderCode: '000.00.00.H53', recipientCodes: ['000.00.00.G22'], priority: 0, kind: 'edoc' } as unknown as PackageRef;
const recorded: RecordedVerdict = {
  eventId: 'ev-verified',
  causationId: 'ev-accepted',
  type: 'SignatureVerified',
  occurredAt: '2026-12-01T01:00:00.000Z',
  verifier: 'cryptographic/1',
  cryptographic: 'unknown',
  errorCode: '',
  checks: [{ name: 'decree30', result: 'failed', detail: '' }],
  evidence: 'a'.repeat(64),
  decree30: false,
  package: ref,
  topic: 'vdx.signature.events.v1',
  aggregateSeq: 1,
  correlationId: 'corr-1',
  trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: null },
};
const validNow = { ok: true as const, checks: [{ name: 'decree30', result: 'passed' as const, detail: '' }], cryptographic: 'valid' as const, verifier: 'cryptographic/1' };

describe('the SignatureRechecked a recheck appends', () => {
  it('replaces the recorded verdict: next in the sequence, in its correlation, caused by it, naming what it replaces', () => {
    const e = recheckedEvent(recorded, validNow, 'root');
    expect(e.type).toBe(SignatureRecheckedEvent.type);
    expect([e.aggregateId, e.aggregateSeq, e.correlationId, e.causationId, e.trace, e.actor]).toEqual(['pkg-1', 2, 'corr-1', 'ev-verified', recorded.trace, { kind: 'operator', id: 'root' }]);
    expect(e.payload).toEqual({
      package: { ...ref, signatureVerdict: 'valid' },
      checks: validNow.checks,
      cryptographic: 'valid',
      verifier: 'cryptographic/1',
      supersedes: 'ev-verified',
      previousCryptographic: 'unknown',
      previousDecree30: false,
      operator: 'cli:root',
    });
  });

  it('references the new evidence record once stored, and none when there is none', () => {
    const evidence = { sha256: 'b'.repeat(64), size: 4096, contentType: 'application/vnd.vdx.signature-evidence+json' };
    expect(recheckedEvent(recorded, validNow, 'root', evidence).payload).toMatchObject({ supersedes: 'ev-verified', evidence });
    expect(recheckedEvent(recorded, validNow, 'root', null).payload).not.toHaveProperty('evidence');
  });

  it('is said in the recheck summary, and so is why nothing was appended', () => {
    const summary: RecheckSummary = { packageId: 'pkg-1', recorded, from: 'network', validatedAt: '2026-12-02T00:00:00.000Z', verdict: validNow, outline: null, appended: { eventId: 'ev-rechecked', topic: recorded.topic, aggregateSeq: 2, evidence: 'b'.repeat(64) }, notAppended: null };
    expect(formatRecheck(summary).split('\n')).toEqual([
      'package pkg-1: recorded unknown (2026-12-01T01:00:00.000Z); now valid (network, validated at 2026-12-02T00:00:00.000Z)',
      `  appended SignatureRechecked ev-rechecked to vdx.signature.events.v1 (sequence 2), evidence sha256:${'b'.repeat(64)}: it replaces ev-verified`,
    ]);
    const not = (notAppended: RecheckSummary['notAppended']) => formatRecheck({ ...summary, appended: null, notAppended }).split('\n')[1];
    expect(not('unchanged')).toBe('  the verdict is unchanged: nothing appended');
    expect(not('refused-package')).toBe('  the package was refused, never delivered: nothing appended; send it again for a new verdict');
    expect(not('dry-run')).toBe('  dry run: nothing appended');
  });
});

describe('the evidence record a verdict event names', () => {
  const sha = 'c'.repeat(64);
  const check = (detail: string, result = 'passed') => [{ name: 'decree30', result: 'passed', detail: '' }, { name: 'evidence', result, detail }];

  it('is the event’s evidence reference', () => {
    expect(evidenceOf({ checks: [], evidence: { sha256: sha, size: 10, contentType: 'application/vnd.vdx.signature-evidence+json' } })).toBe(sha);
    // The reference wins over the check.
    expect(evidenceOf({ checks: check(`sha256:${'d'.repeat(64)}`), evidence: { sha256: sha, size: 10, contentType: 'x' } })).toBe(sha);
  });

  it('is the evidence check of an event written before the reference (null or absent), and nothing without either', () => {
    expect(evidenceOf({ checks: check(`sha256:${sha}`), evidence: null })).toBe(sha);
    expect(evidenceOf({ checks: check(`sha256:${sha}`) })).toBe(sha);
    expect(evidenceOf({ checks: check(`sha256:${sha}`, 'failed'), evidence: null })).toBeNull();
    expect(evidenceOf({ checks: check('sha256:not-hex'), evidence: null })).toBeNull();
    expect(evidenceOf({ checks: [], evidence: null })).toBeNull();
  });
});
