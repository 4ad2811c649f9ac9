import { aggregate, combine, fileVerdict, ReasonCode, signatureStatus, type Finding, type SignatureKind, type SignatureStatus, type SignatureVerdict } from '@vdx/signature-validator';

const at = new Date('2026-03-01T00:00:00Z');
const f = (effect: Finding['effect']): Finding => ({ code: ReasonCode.TIME_CLAIMED, effect, target: 'signature', message: effect });
function sig(status: SignatureStatus, kind: SignatureKind): SignatureVerdict {
  return { status, kind, findings: [], chain: [], checkedAt: { time: at, source: 'timestamp' }, evidence: { signature: new Uint8Array(0), certificates: [], revocation: [], validatedAt: at } };
}

describe('verdict aggregation', () => {
  it('decides a signature by its worst finding; warnings decide nothing', () => {
    expect(signatureStatus([])).toBe('valid');
    expect(signatureStatus([f('warning')])).toBe('valid');
    expect(signatureStatus([f('warning'), f('indeterminate')])).toBe('indeterminate');
    expect(signatureStatus([f('indeterminate'), f('invalid'), f('warning')])).toBe('invalid');
  });

  it('folds statuses: invalid over indeterminate over valid; nothing signed is unsigned', () => {
    expect(combine([])).toBe('unsigned');
    expect(combine(['unsigned', 'unsigned'])).toBe('unsigned');
    expect(combine(['valid', 'unsigned'])).toBe('valid');
    expect(combine(['valid', 'indeterminate', 'unsigned'])).toBe('indeterminate');
    expect(combine(['indeterminate', 'invalid', 'valid'])).toBe('invalid');
  });

  it('lets a file finding decide a file with valid signatures', () => {
    expect(fileVerdict([sig('valid', 'personal')], []).status).toBe('valid');
    expect(fileVerdict([sig('valid', 'personal')], [f('indeterminate')]).status).toBe('indeterminate');
    expect(fileVerdict([], [f('warning')]).status).toBe('unsigned');
    expect(fileVerdict([], [f('indeterminate')]).status).toBe('indeterminate');
  });

  it('requires a valid personal and organisational signature on the main document, the seal on each attachment', () => {
    const main = fileVerdict([sig('valid', 'personal'), sig('valid', 'organisational')], [], 'main.pdf');
    const sealed = fileVerdict([sig('valid', 'organisational')], [], 'a.pdf');
    const ok = aggregate({ main, attachments: [sealed, sealed] });
    expect(ok.status).toBe('valid');
    expect(ok.decree30).toEqual({ compliant: true, mainPersonal: true, mainOrganisational: true, attachmentsWithoutOrganisational: [], findings: [] });

    const invalidSeal = fileVerdict([sig('valid', 'personal'), sig('invalid', 'organisational')], []);
    const unsignedAttachment = fileVerdict([], [], 'b.pdf');
    const bad = aggregate({ main: invalidSeal, attachments: [sealed, unsignedAttachment] });
    expect(bad.status).toBe('invalid');
    expect(bad.decree30).toMatchObject({ compliant: false, mainPersonal: true, mainOrganisational: false, attachmentsWithoutOrganisational: [1] });
    expect(bad.decree30.findings.map((x) => [x.code, x.effect, x.target])).toEqual([
      [ReasonCode.DECREE30_ORGANISATIONAL_MISSING, 'warning', 'package'],
      [ReasonCode.DECREE30_ORGANISATIONAL_MISSING, 'warning', 'package'],
    ]);

    const indeterminatePersonal = aggregate({ main: fileVerdict([sig('indeterminate', 'personal'), sig('valid', 'organisational')], []) });
    expect(indeterminatePersonal.status).toBe('indeterminate');
    expect(indeterminatePersonal.decree30.findings.map((x) => x.code)).toEqual([ReasonCode.DECREE30_PERSONAL_MISSING]);

    const unknownKinds = aggregate({ main: fileVerdict([sig('valid', 'unknown'), sig('valid', 'unknown')], []) });
    expect(unknownKinds.decree30.findings.map((x) => x.code)).toEqual([ReasonCode.DECREE30_PERSONAL_MISSING, ReasonCode.DECREE30_ORGANISATIONAL_MISSING]);
  });
});
