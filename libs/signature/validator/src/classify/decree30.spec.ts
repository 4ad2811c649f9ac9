import { issueSigningCertificate, SANDBOX_POLICY_OIDS, type SigningHierarchy } from '@vdx/pki';
import { classify, defineClassificationRules, parseCertificate, DEFAULT_LIMITS, ValidatorErrorCode, type ClassificationRule, type ParsedCertificate } from '@vdx/signature-validator';
import { sandboxHierarchy, SANDBOX_RULES } from '../testing/fixtures';

function parsed(der: Uint8Array): ParsedCertificate {
  const r = parseCertificate(der, DEFAULT_LIMITS);
  if (!r.ok) throw new Error(r.message);
  return r.cert;
}

describe('classify (Decree 30)', () => {
  let h: SigningHierarchy;
  beforeAll(async () => {
    h = await sandboxHierarchy();
  });

  it('classifies by certificate policy, first matching rule deciding', () => {
    expect(classify(h.personal.certDer, SANDBOX_RULES)).toEqual({ kind: 'personal', rule: 'sandbox personal policy' });
    expect(classify(parsed(h.organisational.certDer), SANDBOX_RULES)).toEqual({ kind: 'organisational', rule: 'sandbox organisational policy' });
    expect(classify(h.tsa.certDer, SANDBOX_RULES)).toEqual({ kind: 'unknown' });
  });

  it('classifies by subject attributes: exact strings (case and spacing folded) and patterns', async () => {
    const rules = defineClassificationRules([
      { kind: 'organisational', subject: { O: 'ủy ban nhân dân  tỉnh tây ninh', CN: /^Ủy ban/u } },
      { kind: 'personal', subject: { O: /Tây Ninh$/u } },
    ]);
    expect(classify(h.organisational.certDer, rules)).toEqual({ kind: 'organisational', rule: '#1' });
    expect(classify(h.personal.certDer, rules)).toEqual({ kind: 'personal', rule: '#2' });
    const uid = await issueSigningCertificate(h.intermediate, { subject: { CN: 'Nguyễn Văn An', '0.9.2342.19200300.100.1.1': 'CMND:079123456789' } });
    expect(classify(uid.certDer, defineClassificationRules([{ kind: 'personal', subject: { UID: /^CMND:\d{9,12}$/ } }])).kind).toBe('personal');
    expect(classify(uid.certDer, defineClassificationRules([{ kind: 'personal', subject: { '0.9.2342.19200300.100.1.1': /^CMND:/ } }])).kind).toBe('personal');
  });

  it('needs every condition of a rule: policy and subject together', () => {
    const rules = defineClassificationRules([{ kind: 'organisational', policyOids: [SANDBOX_POLICY_OIDS.organisational], subject: { O: 'Bộ Tài chính' } }]);
    expect(classify(h.organisational.certDer, rules).kind).toBe('unknown');
  });

  it('is unknown without rules or for an unreadable certificate', () => {
    expect(classify(h.personal.certDer, undefined)).toEqual({ kind: 'unknown' });
    expect(classify(new Uint8Array([1, 2, 3]), SANDBOX_RULES)).toEqual({ kind: 'unknown' });
  });

  it('refuses rules without conditions or of an unknown kind: VALIDATOR.BAD_RULE', () => {
    expect(() => defineClassificationRules([{ kind: 'personal' }])).toThrow(expect.objectContaining({ code: ValidatorErrorCode.BAD_RULE }));
    expect(() => defineClassificationRules([{ kind: 'seal', policyOids: ['1.2'] } as unknown as ClassificationRule])).toThrow(expect.objectContaining({ code: ValidatorErrorCode.BAD_RULE }));
  });
});
