// An evidence record is enough to re-validate a package offline: the verdict through real
// responders (OpenSSL's OCSP logic and CRLs on 127.0.0.1), then every responder stopped and
// the same verdict again from the record alone. Real store (the blob store), no Kafka.
import { createBlobStore, type BlobStore } from '@vdx/blob-store';
import type { AttachmentSummary } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { documentPackage, parseEdxml } from '@vdx/edxml';
import { createSigningHierarchy, SANDBOX_POLICY_OIDS } from '@vdx/pki';
import { readEvidenceRecord, verdictOutline, type EvidenceRecord, type VerificationInput } from '@vdx/signature-domain';
import type { LookupProblem } from '@vdx/signature-network';
import { testEnv, uniqueDbName } from '@vdx/testing';
import { MongoClient } from 'mongodb';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRevocationSandbox, type RevocationSandbox } from '../../network/src/test-fixtures/revocation-sandbox';
import { signDetached } from '../../validator/src/testing/cms-builder';
import { minimalPdf, signPdf } from '../../validator/src/testing/pdf-builder';
import { revalidatePackage } from './revalidate';
import type { CryptographicSettings } from './verifier-factory';

describe('re-validating a package from its evidence record, offline', () => {
  const env = testEnv();
  const db = uniqueDbName('revalidate_int');
  const dir = mkdtempSync(join(tmpdir(), 'vdx-revalidate-'));
  let mongo: MongoClient;
  let blobs: BlobStore;
  let sandbox: RevocationSandbox;
  let settings: CryptographicSettings;
  let valid: VerificationInput;
  let tampered: VerificationInput;
  let stamped: VerificationInput;
  let validBytes: Uint8Array;
  /** A PEM bundle holding the root of another hierarchy (its TSA is not the sandbox's). */
  let otherRoot: string;
  let sandboxRoot: string;

  async function stored(attachmentBytes: Uint8Array, packageId: string): Promise<VerificationInput> {
    const body = Buffer.from(
      documentPackage({ from: '000.00.00.H53', to: ['000.00.00.G22'], codeNumber: packageId, codeNotation: 'UBND-VP', subject: 'x', attachments: [{ name: 'cong-van.pdf', bytes: Buffer.from(attachmentBytes) }] }).xml,
    );
    const put = await blobs.put((async function* () { yield body; })());
    const parsed = parseEdxml(body).package;
    const ref = packageRefWith({ packageId, senderCode: '000.00.00.H53', systemId: 'qlvb-tayninh', recipientCodes: ['000.00.00.G22'], bodySha256: put.sha256, bodySize: body.length, acceptedAt: new Date().toISOString() });
    const attachments: AttachmentSummary[] = parsed.attachments.map((a) => ({ contentId: a.contentId ?? null, name: a.attachmentName ?? null, contentType: a.contentType ?? null, size: a.size, sha256: a.sha256 }));
    return { ref, attachments };
  }

  beforeAll(async () => {
    mongo = await MongoClient.connect(env.mongoUrl);
    blobs = createBlobStore(mongo.db(db));
    sandbox = await startRevocationSandbox();
    const anchors = join(dir, 'anchors.pem');
    writeFileSync(anchors, sandbox.hierarchy.trustAnchorsPem);
    const rules = join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify([{ kind: 'personal', policyOids: [SANDBOX_POLICY_OIDS.personal] }, { kind: 'organisational', policyOids: [SANDBOX_POLICY_OIDS.organisational] }]));
    settings = { mode: 'cryptographic', trustAnchorsPath: anchors, rulesPath: rules, refuse: [], requireTimestamp: false, maxBytesInMemory: 8 * 1024 * 1024, allowedHosts: ['127.0.0.1'], requestTimeoutMs: 2000, packageBudgetMs: 10_000, keepEvidence: true };
    const pdf = await sandbox.signedPdf();
    valid = await stored(pdf, 'p-valid');
    const changed = Buffer.from(pdf);
    changed[changed.indexOf('Cong van')] = 'K'.charCodeAt(0);
    tampered = await stored(changed, 'p-tampered');
    // Both signatures timestamped by the sandbox TSA, which chains to the sandbox root.
    const { hierarchy: h, signedAt } = sandbox;
    let timestamped = minimalPdf('Cong van so 124/UBND-VP');
    for (const [i, signer] of [h.personal, h.organisational].entries()) {
      timestamped = await signPdf(timestamped, { fieldName: `Signature${i + 1}`, signingTime: signedAt }, (c) => signDetached(c, { signer, signingTime: signedAt, timestamp: { tsa: h.tsa, genTime: signedAt, certificates: [h.tsa, h.intermediate] } }));
    }
    stamped = await stored(timestamped, 'p-stamped');
    sandboxRoot = anchors;
    otherRoot = join(dir, 'other-root.pem');
    writeFileSync(otherRoot, (await createSigningHierarchy()).trustAnchorsPem);
  });

  afterAll(async () => {
    await sandbox?.stop();
    await mongo?.db(db).dropDatabase();
    await mongo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('judges a timestamp against the TSA trust anchors when they are set, through the network and from the record alike', async () => {
    const signatures = (o: Awaited<ReturnType<typeof revalidatePackage>>) => o.record!.verdict.main.signatures.map((s) => [s.status, s.checkedAt.source, verdictCodes(s.findings)]);
    const verdictCodes = (findings: readonly { code: string; effect: string; target: string }[]) => findings.filter((f) => f.effect !== 'warning').map((f) => `${f.target} ${f.code}`);
    const dated = [['valid', 'timestamp', []], ['valid', 'timestamp', []]];
    const undated = [['indeterminate', 'claimed', ['timestamp CHAIN.UNTRUSTED_ROOT']], ['indeterminate', 'claimed', ['timestamp CHAIN.UNTRUSTED_ROOT']]];
    const ownTsa = { ...settings, tsaTrustAnchorsPath: sandboxRoot };
    const otherTsa = { ...settings, tsaTrustAnchorsPath: otherRoot };

    // Without TSA anchors the sandbox TSA is trusted through the trust anchors; with the sandbox root as TSA anchor too.
    const shared = await revalidatePackage({ blobs, input: stamped, settings, from: { kind: 'network' } });
    expect([shared.verdict.ok && shared.verdict.cryptographic, signatures(shared)]).toEqual(['valid', dated]);
    expect(signatures(await revalidatePackage({ blobs, input: stamped, settings: ownTsa, from: { kind: 'network' } }))).toEqual(dated);
    // Another root as the only TSA anchor: the sandbox TSA, though under a trust anchor, proves no time.
    const refused = await revalidatePackage({ blobs, input: stamped, settings: otherTsa, from: { kind: 'network' } });
    expect([refused.verdict.ok && refused.verdict.cryptographic, signatures(refused)]).toEqual(['unknown', undated]);

    // From the record alone, the recorded timestamp is judged the same way.
    const record = shared.record as EvidenceRecord;
    expect(signatures(await revalidatePackage({ blobs, input: stamped, settings: ownTsa, from: { kind: 'evidence', record } }))).toEqual(dated);
    expect(signatures(await revalidatePackage({ blobs, input: stamped, settings, from: { kind: 'evidence', record } }))).toEqual(dated);
    const offline = await revalidatePackage({ blobs, input: stamped, settings: otherTsa, from: { kind: 'evidence', record } });
    expect([offline.verdict.ok && offline.verdict.cryptographic, signatures(offline)]).toEqual(['unknown', undated]);
  });

  it('gives the same verdicts from the record alone once every responder is stopped; the network alone gives none', async () => {
    const online = await revalidatePackage({ blobs, input: valid, settings, from: { kind: 'network' } });
    const onlineTampered = await revalidatePackage({ blobs, input: tampered, settings, from: { kind: 'network' } });
    expect(online.verdict).toMatchObject({ ok: true, cryptographic: 'valid' });
    expect(onlineTampered.verdict).toMatchObject({ ok: true, cryptographic: 'invalid' });
    const record = online.record as EvidenceRecord;
    validBytes = online.recordBytes!;
    expect(record.packageId).toBe('p-valid');
    // Both signatures' paths were answered by the live responders: OCSP for the signers, the root's CRL for the intermediate.
    const answers = record.verdict.main.signatures.flatMap((s) => s.evidence.revocation.map((r) => [r.subject, r.answer?.status, r.answer?.source]));
    expect(answers).toEqual([
      [sandbox.hierarchy.personal.subject, 'good', 'ocsp'],
      [sandbox.hierarchy.intermediate.subject, 'good', 'crl'],
      [sandbox.hierarchy.organisational.subject, 'good', 'ocsp'],
      [sandbox.hierarchy.intermediate.subject, 'good', 'crl'],
    ]);
    const answeredBefore = sandbox.ocsp.answered;

    await sandbox.stop();
    expect(sandbox.ocsp.address()).toBeNull();

    const problems: LookupProblem[] = [];
    const offline = await revalidatePackage({ blobs, input: valid, settings, from: { kind: 'evidence', record }, onProblem: (p) => problems.push(p) });
    expect(problems).toEqual([]);
    expect(offline.verdict).toMatchObject({ ok: true, cryptographic: 'valid' });
    expect(verdictOutline(offline.record!.verdict)).toEqual(verdictOutline(record.verdict));
    expect(offline.validatedAt).toEqual(record.verdict.main.signatures[0]?.evidence.validatedAt);
    expect(offline.verdict.checks.map((c) => [c.name, c.result])).toEqual(online.verdict.checks.map((c) => [c.name, c.result]));
    const offlineTampered = await revalidatePackage({ blobs, input: tampered, settings, from: { kind: 'evidence', record: onlineTampered.record! } });
    expect(verdictOutline(offlineTampered.record!.verdict)).toEqual(verdictOutline(onlineTampered.record!.verdict));
    expect(verdictOutline(offlineTampered.record!.verdict).files[0]?.signatures.map((s) => s.codes)).toEqual([['SIGNATURE.DIGEST_MISMATCH'], ['SIGNATURE.DIGEST_MISMATCH']]);
    expect(sandbox.ocsp.answered).toBe(answeredBefore);

    // With the responders gone, the network says nothing (no intermediate from AIA, no revocation): indeterminate, never valid.
    const now = await revalidatePackage({ blobs, input: valid, settings, from: { kind: 'network' } });
    expect(now.verdict).toMatchObject({ ok: true, cryptographic: 'unknown' });
    expect(verdictOutline(now.record!.verdict).files[0]?.signatures.map((s) => [s.status, s.codes])).toEqual([
      ['indeterminate', ['CHAIN.ISSUER_NOT_FOUND']],
      ['indeterminate', ['CHAIN.ISSUER_NOT_FOUND']],
    ]);
  });

  it('re-checks the recorded answers: an OCSP response damaged in the record is no answer (unknown), not good', async () => {
    // The responders are stopped (the test above): only the record answers.
    expect(sandbox.ocsp.address()).toBeNull();
    const intact = await revalidatePackage({ blobs, input: valid, settings, from: { kind: 'evidence', record: readEvidenceRecord(validBytes) } });
    expect(intact.verdict).toMatchObject({ cryptographic: 'valid' });
    const record = readEvidenceRecord(validBytes);
    const first = record.verdict.main.signatures[0]!.evidence.revocation[0]!.answer!;
    expect(first.source).toBe('ocsp');
    const evidence = first.evidence;
    evidence[evidence.length - 3] = (evidence[evidence.length - 3] ?? 0) ^ 0xff; // in the signature of the responder certificate the response carries
    const problems: LookupProblem[] = [];
    const damaged = await revalidatePackage({ blobs, input: valid, settings, from: { kind: 'evidence', record }, onProblem: (p) => problems.push(p) });
    expect(damaged.verdict).toMatchObject({ ok: true, cryptographic: 'unknown' });
    expect(problems.map((p) => [p.source, p.code])).toEqual([['ocsp', 'OCSP.RESPONDER_NOT_AUTHORISED']]);
  });
});
