import type { BlobStore } from '@vdx/blob-store';
import { createSigningHierarchy, SANDBOX_POLICY_OIDS, type SigningHierarchy } from '@vdx/pki';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVerifier, loadVerificationMaterial, networkContext, networkSourcesFor, VerificationConfigError, type CryptographicSettings, type VerificationSettings } from './verifier-factory';

// The factory only reads files; no store call happens while building a verifier.
const blobs = {} as BlobStore;
const logger = { debug: () => undefined };

describe('createVerifier and VerificationSettings', () => {
  let dir: string;
  let h: SigningHierarchy;
  let anchors: string;
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const settings = (over: Partial<CryptographicSettings> = {}): CryptographicSettings => ({
    mode: 'cryptographic',
    trustAnchorsPath: anchors,
    refuse: [],
    requireTimestamp: false,
    maxBytesInMemory: 1024 * 1024,
    allowedHosts: [],
    requestTimeoutMs: 1000,
    packageBudgetMs: 5000,
    keepEvidence: true,
    ...over,
  });
  /** The coded error `build` throws. */
  const refusal = (build: () => unknown): VerificationConfigError => {
    let caught: unknown;
    try {
      build();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(VerificationConfigError);
    expect((caught as VerificationConfigError).code).toBe('SIGNATURE.BAD_CONFIG');
    return caught as VerificationConfigError;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vdx-verifier-factory-'));
    h = await createSigningHierarchy();
    anchors = file('anchors.pem', h.trustAnchorsPem);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the integrity verifier by default and for mode integrity', () => {
    expect(createVerifier(undefined, blobs, logger).name).toBe('integrity/1');
    expect(createVerifier({ mode: 'integrity' }, blobs, logger).name).toBe('integrity/1');
  });

  it('builds the cryptographic verifier from readable files: anchors, intermediates, rules', () => {
    const rules = file('rules.json', JSON.stringify([{ kind: 'organisational', name: 'seal', policyOids: [SANDBOX_POLICY_OIDS.organisational] }, { kind: 'personal', subject: { O: 'Sandbox' } }]));
    const intermediates = file('intermediates.pem', h.intermediate.certPem);
    expect(createVerifier(settings({ rulesPath: rules, intermediatesPath: intermediates }), blobs, logger).name).toBe('cryptographic/1');
    const material = loadVerificationMaterial(settings({ rulesPath: rules, intermediatesPath: intermediates }));
    expect(material.trustAnchors.certificates.map((c) => c.subject.text)).toEqual([h.root.subject]);
    expect(material.classification.rules.map((r) => r.kind)).toEqual(['organisational', 'personal']);
    expect(material.pool).not.toBeNull();
  });

  it('reads the TSA trust anchors apart from the signers’ and gives them to each package’s context; without them timestamps use the trust anchors', async () => {
    const tsaRoot = await createSigningHierarchy();
    const tsaAnchors = file('tsa-anchors.pem', tsaRoot.trustAnchorsPem);
    const separate = settings({ tsaTrustAnchorsPath: tsaAnchors });
    expect(createVerifier(separate, blobs, logger).name).toBe('cryptographic/1');
    const material = loadVerificationMaterial(separate);
    expect(material.trustAnchors.certificates.map((c) => c.fingerprint)).toEqual([h.root.fingerprint]);
    expect(material.tsaTrustAnchors?.certificates.map((c) => c.fingerprint)).toEqual([tsaRoot.root.fingerprint]);
    const ctx = networkContext(separate, material, networkSourcesFor(separate));
    expect([ctx.trustAnchors, ctx.tsaTrustAnchors]).toEqual([material.trustAnchors, material.tsaTrustAnchors]);

    const shared = loadVerificationMaterial(settings());
    expect(shared.tsaTrustAnchors).toBeNull();
    expect(networkContext(settings(), shared, networkSourcesFor(settings()))).not.toHaveProperty('tsaTrustAnchors');
  });

  it('refuses a TSA trust anchor bundle it cannot use, naming the file: missing, not a PEM, a damaged certificate, an empty path', () => {
    const missing = join(dir, 'no-such-tsa.pem');
    expect(refusal(() => createVerifier(settings({ tsaTrustAnchorsPath: missing }), blobs, logger)).message).toMatch(new RegExp(`^cannot read the TSA trust anchor bundle at ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ENOENT`));
    const empty = file('tsa-empty.pem', 'not a PEM file\n');
    expect(refusal(() => createVerifier(settings({ tsaTrustAnchorsPath: empty }), blobs, logger)).message).toBe(
      `the TSA trust anchor bundle at ${empty} is unusable: VALIDATOR.BAD_TRUST_ANCHOR: the trust-anchor bundle holds no CERTIFICATE block`,
    );
    const damaged = file('tsa-damaged.pem', `-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`);
    expect(refusal(() => loadVerificationMaterial(settings({ tsaTrustAnchorsPath: damaged }))).message).toMatch(/^the TSA trust anchor bundle at .*tsa-damaged\.pem is unusable: VALIDATOR\.BAD_TRUST_ANCHOR: trust anchor #1: /);
    expect(refusal(() => createVerifier(settings({ tsaTrustAnchorsPath: '' }), blobs, logger)).message).toBe('tsaTrustAnchorsPath must name a PEM bundle, not "" (leave it out to check timestamps against the trust anchors)');
  });

  it('refuses an unknown mode', () => {
    expect(refusal(() => createVerifier({ mode: 'xmldsig' } as unknown as VerificationSettings, blobs, logger)).message).toBe('unknown verification mode "xmldsig" (integrity or cryptographic)');
  });

  it('refuses a missing trust anchors file, naming the file', () => {
    const missing = join(dir, 'no-such.pem');
    const e = refusal(() => createVerifier(settings({ trustAnchorsPath: missing }), blobs, logger));
    expect(e.message).toMatch(new RegExp(`^cannot read the trust anchor bundle at ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ENOENT`));
    expect(refusal(() => createVerifier(settings({ trustAnchorsPath: '' }), blobs, logger)).message).toContain('needs a trust anchor bundle');
  });

  it('refuses an unreadable PEM: no certificate at all, or a damaged one, with the validator’s code', () => {
    const empty = file('empty.pem', 'not a PEM file\n');
    expect(refusal(() => createVerifier(settings({ trustAnchorsPath: empty }), blobs, logger)).message).toBe(
      `the trust anchor bundle at ${empty} is unusable: VALIDATOR.BAD_TRUST_ANCHOR: the trust-anchor bundle holds no CERTIFICATE block`,
    );
    const body = h.root.certPem.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    const damaged = file('damaged.pem', `-----BEGIN CERTIFICATE-----\n${body.slice(0, 40)}AAAA${body.slice(80)}\n-----END CERTIFICATE-----\n`);
    const e = refusal(() => createVerifier(settings({ trustAnchorsPath: damaged }), blobs, logger));
    expect(e.message).toMatch(/^the trust anchor bundle at .*damaged\.pem is unusable: VALIDATOR\.BAD_TRUST_ANCHOR: trust anchor #1: /);
    const badIntermediate = file('bad-intermediate.pem', `-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`);
    expect(refusal(() => createVerifier(settings({ intermediatesPath: badIntermediate }), blobs, logger)).message).toMatch(/^the intermediate bundle at .* is unusable: VALIDATOR\.BAD_INTERMEDIATE: /);
  });

  it('refuses bad rules: not JSON, not an array, a wrong shape, a rule without condition', () => {
    const cases: [string, string | RegExp][] = [
      ['{not json', /^the classification rules at .*r0\.json are not JSON: /],
      ['{"kind":"personal"}', /must be a JSON array$/],
      ['[42]', /^classification rule #1 at .*: not an object$/],
      ['[{"kind":"seal","policyOids":["1.2.3"]}]', /^classification rule #1 at .*: kind must be "personal" or "organisational", not "seal"$/],
      ['[{"kind":"personal","policyOids":"1.2.3"}]', /^classification rule #1 at .*: policyOids must be an array of dotted OIDs$/],
      ['[{"kind":"personal","policyOids":["1.2.x"]}]', /policyOids must be an array of dotted OIDs$/],
      ['[{"kind":"personal","subject":{"O":1}}]', /subject must map attribute names to strings$/],
      ['[{"kind":"personal","policy":["1.2.3"]}]', /unknown field policy$/],
      ['[{"kind":"personal","policyOids":["1.2.3"]},{"kind":"organisational"}]', /is unusable: VALIDATOR\.BAD_RULE: rule #2 \(organisational\) has no condition$/],
    ];
    cases.forEach(([text, expected], i) => {
      const path = file(`r${i}.json`, text);
      const e = refusal(() => createVerifier(settings({ rulesPath: path }), blobs, logger));
      if (typeof expected === 'string') expect(e.message).toBe(expected);
      else expect(e.message).toMatch(expected);
    });
  });

  it('refuses settings the schema would not give: an unknown refusal, non-positive sizes and timeouts', () => {
    expect(refusal(() => createVerifier(settings({ refuse: ['revoked' as never] }), blobs, logger)).message).toBe('refuse names unknown statuses: revoked (invalid, indeterminate, unsigned)');
    expect(refusal(() => createVerifier(settings({ maxBytesInMemory: 0 }), blobs, logger)).message).toBe('maxBytesInMemory must be a positive whole number, not 0');
    expect(refusal(() => createVerifier(settings({ requestTimeoutMs: -1 }), blobs, logger)).message).toBe('requestTimeoutMs must be a positive whole number, not -1');
    expect(refusal(() => createVerifier(settings({ packageBudgetMs: 1.5 }), blobs, logger)).message).toBe('packageBudgetMs must be a positive whole number, not 1.5');
  });
});
