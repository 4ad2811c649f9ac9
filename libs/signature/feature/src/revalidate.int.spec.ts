// An evidence record is enough to re-validate a package offline: the verdict through real
// responders (OpenSSL's OCSP logic and CRLs on 127.0.0.1), then every responder stopped and
// the same verdict again from the record alone. Real store (the blob store), no Kafka.
import { createBlobStore, type BlobStore } from '@vdx/blob-store';
import type { AttachmentSummary, PackageRef } from '@vdx/contracts';
import { documentPackage, parseEdxml } from '@vdx/edxml';
import { SANDBOX_POLICY_OIDS } from '@vdx/pki';
import { readEvidenceRecord, verdictOutline, type EvidenceRecord, type VerificationInput } from '@vdx/signature-domain';
import type { LookupProblem } from '@vdx/signature-network';
import { testEnv, uniqueDbName } from '@vdx/testing';
import { MongoClient } from 'mongodb';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRevocationSandbox, type RevocationSandbox } from '../../network/src/test-fixtures/revocation-sandbox';
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
  let validBytes: Uint8Array;

  async function stored(attachmentBytes: Uint8Array, packageId: string): Promise<VerificationInput> {
    const body = Buffer.from(
      documentPackage({ from: '000.00.00.H53', to: ['000.00.00.G22'], codeNumber: packageId, codeNotation: 'UBND-VP', subject: 'x', attachments: [{ name: 'cong-van.pdf', bytes: Buffer.from(attachmentBytes) }] }).xml,
    );
    const put = await blobs.put((async function* () { yield body; })());
    const parsed = parseEdxml(body).package;
    const ref: PackageRef = {
      packageId, kind: 'edoc', senderCode: '000.00.00.H53', systemId: 'qlvb-tayninh', recipientCodes: ['000.00.00.G22'], documentId: null, businessDocType: null, relatedDocumentId: null,
      statusCode: null, subject: null, priority: null, dueDate: null, bodySha256: put.sha256, bodySize: body.length, acceptedAt: new Date().toISOString(),
    };
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
  });

  afterAll(async () => {
    await sandbox?.stop();
    await mongo?.db(db).dropDatabase();
    await mongo?.close();
    rmSync(dir, { recursive: true, force: true });
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
