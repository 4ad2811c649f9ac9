import { InMemoryIntermediateSource, InMemoryRevocationSource, trustAnchorsFromPem, ValidatorErrorCode, type RevocationQuery } from '@vdx/signature-validator';
import type { SigningHierarchy } from '@vdx/pki';
import { sandboxHierarchy } from '../testing/fixtures';

const query = (fingerprint: string): RevocationQuery => ({ certificate: new Uint8Array(0), issuer: new Uint8Array(0), serialNumber: '01', fingerprint, subject: 'CN=x', at: new Date(0) });

describe('ports and configuration', () => {
  let h: SigningHierarchy;
  beforeAll(async () => {
    h = await sandboxHierarchy();
  });

  it('reads a PEM bundle of trust anchors and refuses an empty or broken one: VALIDATOR.BAD_TRUST_ANCHOR', () => {
    expect(trustAnchorsFromPem(`${h.root.certPem}\n# a comment\n${h.intermediate.certPem}`).certificates.map((c) => c.fingerprint)).toEqual([h.root.fingerprint, h.intermediate.fingerprint]);
    expect(() => trustAnchorsFromPem('')).toThrow(expect.objectContaining({ code: ValidatorErrorCode.BAD_TRUST_ANCHOR }));
    expect(() => trustAnchorsFromPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(expect.objectContaining({ code: ValidatorErrorCode.BAD_TRUST_ANCHOR }));
  });

  it('answers issuers by subject name from an in-memory pool, and refuses a broken one', async () => {
    const pool = new InMemoryIntermediateSource(`${h.intermediate.certPem}${h.root.certPem}`);
    const parsed = trustAnchorsFromPem(h.personal.certPem).certificates[0];
    const found = await pool.findIssuers({ certificate: h.personal.certDer, issuerName: parsed?.issuer.der ?? new Uint8Array(0), issuer: parsed?.issuer.text ?? '' });
    expect(found.map((d) => Buffer.from(d).equals(Buffer.from(h.intermediate.certDer)))).toEqual([true]);
    expect(() => new InMemoryIntermediateSource([new Uint8Array([1, 2])])).toThrow(expect.objectContaining({ code: ValidatorErrorCode.BAD_INTERMEDIATE }));
  });

  it('answers revocation by fingerprint with a default, records queries, and can stay silent', async () => {
    const source = new InMemoryRevocationSource('good').revoke('a', new Date(5)).unknown('b').silent('c');
    expect((await source.status(query('a')))?.status).toBe('revoked');
    expect((await source.status(query('a')))?.revokedAt).toEqual(new Date(5));
    expect((await source.status(query('b')))?.status).toBe('unknown');
    expect(await source.status(query('c'))).toBeNull();
    expect((await source.status(query('d')))).toMatchObject({ status: 'good', source: 'ocsp' });
    expect(await new InMemoryRevocationSource(null).status(query('d'))).toBeNull();
    expect(source.queries.map((q) => q.fingerprint)).toEqual(['a', 'a', 'b', 'c', 'd']);
    source.good('c');
    expect((await source.status(query('c')))?.status).toBe('good');
  });
});
