// The signature gate with SIGNATURE_VERIFIER=cryptographic, through the running axis: a package
// whose PDF carries the competent signer's signature and the agency's seal (the sandbox signing
// hierarchy), its revocation answered by OpenSSL's OCSP logic and CRLs on 127.0.0.1, and the same
// package with one byte changed after signing. Then the operator's `vdx signature report` and
// `vdx signature recheck` on what was recorded: the indeterminate package re-validated once its
// revocation answers, appended as SignatureRechecked, and seen so by the sender's trace and by
// the central office's statistics (the statistics read model replayed from the axis's log).
import { catalogue, EventCodec, isEvent, type SignatureVerified, SignatureRecheckedEvent, SignatureVerifiedEvent } from '@vdx/contracts';
import { replayProjection } from '@vdx/event-sourcing';
import { documentPackage } from '@vdx/edxml';
import { ExchangeClient, type Trace } from '@vdx/exchange-client';
import { readLogFromStart } from '@vdx/messaging';
import { SANDBOX_POLICY_OIDS } from '@vdx/pki';
import { AXIS_START_TIMEOUT_MS, startAxis, type Axis } from '@vdx/testing/axis';
import { testEnv, waitUntil } from '@vdx/testing';
import { figuresOf, vietnamDay, type Tally } from '@vdx/statistics-domain';
import { STATISTICS_COLLECTIONS, statisticsProjection } from '@vdx/statistics-feature';
import { MongoClient } from 'mongodb';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRevocationSandbox, type RevocationSandbox } from '../../../libs/signature/network/src/test-fixtures/revocation-sandbox';
import { findVerdicts, formatEvidence, formatRecheck, signatureRecheck, signatureReport, SignatureCommandError, type RecheckOptions } from '../../../tools/cli/signature';

const H53 = '000.00.00.H53';
const G22 = '000.00.00.G22';

describe('cryptographic signature verification through the axis (e2e: gateway, signature, directory, OCSP and CRL on 127.0.0.1)', () => {
  const env = testEnv();
  const dir = mkdtempSync(join(tmpdir(), 'vdx-signature-e2e-'));
  let axis: Axis;
  let db: string;
  let topics: Axis['topics'];
  let sandbox: RevocationSandbox;
  let tayNinh: ExchangeClient;
  let vpcp: ExchangeClient;
  let anchorsPath: string;
  let rulesPath: string;
  const ids: Record<'valid' | 'tampered' | 'indeterminate', string> = { valid: '', tampered: '', indeterminate: '' };

  const send = async (number: string, pdf: Uint8Array): Promise<string> => {
    const xml = documentPackage({ from: H53, to: [G22], codeNumber: number, codeNotation: 'UBND-VP', subject: 'Văn bản ký số', attachments: [{ name: 'cong-van.pdf', bytes: Buffer.from(pdf) }] }).xml;
    const receipt = await tayNinh.sendPackage(Buffer.from(xml), { senderCode: H53, kind: 'edoc' });
    expect(receipt).toMatchObject({ outcome: 'accepted', duplicate: false });
    return receipt.packageId;
  };

  const verdicts = (atLeast: number) =>
    waitUntil(
      `${atLeast} signature verdicts`,
      async () => {
        const codec = new EventCodec(catalogue);
        const found = new Map<string, { type: string; payload: SignatureVerified }>();
        await readLogFromStart({ brokers: env.kafkaBrokers, clientId: 'signature-e2e-verdicts' }, [topics.signature, `${topics.signature}.urgent`], async (records) => {
          for (const r of records) {
            const e = codec.decode(r.value!, r.headers) as { type: string; payload: SignatureVerified };
            found.set(e.payload.package.packageId, e);
          }
        });
        return found.size >= atLeast ? found : undefined;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );

  const traced = (packageId: string) =>
    waitUntil(`the trace of ${packageId} at the signature stage`, () => tayNinh.getTrace(packageId).then((t) => (t.signature ? t : undefined), () => undefined), { timeoutMs: 45_000, intervalMs: 300 });

  /**
   * The central office's signature figures of the day `packageId` was sent, national, on the
   * sender's side: the statistics read model rebuilt from this axis's log into fresh collections.
   */
  const statisticsOfDay = async (packageId: string, run: string) => {
    const day = vietnamDay((await findVerdicts(packageId, cli())).original.package.acceptedAt);
    const mongo = await MongoClient.connect(env.mongoUrl);
    try {
      const collections = Object.fromEntries(Object.entries(STATISTICS_COLLECTIONS).map(([k, v]) => [k, `${v}_${run}`])) as typeof STATISTICS_COLLECTIONS;
      const projection = statisticsProjection({ name: `statistics-${run}`, collections, topics: { gateway: topics.gateway, signature: topics.signature, routing: topics.routing, delivery: topics.delivery, directory: topics.directory } });
      const replayed = await replayProjection({ brokers: env.kafkaBrokers, clientId: `signature-e2e-statistics-${run}` }, mongo.db(db), projection, { fresh: true, swap: true });
      expect(replayed.undecodable).toBe(0);
      const id = `D${day}|N`;
      const headline = (await mongo.db(db).collection<{ _id: string }>(collections.headline).findOne({ _id: id })) as Tally | null;
      const detail = (await mongo.db(db).collection<{ _id: string }>(collections.detail).findOne({ _id: id })) as Tally | null;
      return figuresOf(headline ?? ({} as Tally), detail, 's').signatures;
    } finally {
      await mongo.close();
    }
  };

  /** An organisation's seal, issued a day ago by the sandbox's intermediate, that its OCSP responder does not know ("unknown"). */
  const unknownSeal = (name: string) => sandbox.issueSeal(name, false);

  const cli = (): RecheckOptions => ({
    brokers: env.kafkaBrokers,
    mongoUrl: env.mongoUrl,
    db,
    signatureTopic: topics.signature,
    gatewayTopic: topics.gateway,
    offline: false,
    any: false,
    settings: { mode: 'cryptographic', trustAnchorsPath: anchorsPath, rulesPath, refuse: [], requireTimestamp: false, maxBytesInMemory: 8 * 1024 * 1024, allowedHosts: ['127.0.0.1'], requestTimeoutMs: 2000, packageBudgetMs: 10_000, keepEvidence: true },
  });

  beforeAll(async () => {
    sandbox = await startRevocationSandbox();
    anchorsPath = join(dir, 'anchors.pem');
    writeFileSync(anchorsPath, sandbox.hierarchy.trustAnchorsPem);
    rulesPath = join(dir, 'rules.json');
    writeFileSync(rulesPath, JSON.stringify([{ kind: 'personal', name: 'personal', policyOids: [SANDBOX_POLICY_OIDS.personal] }, { kind: 'organisational', name: 'seal', policyOids: [SANDBOX_POLICY_OIDS.organisational] }]));
    axis = await startAxis({
      name: 'signature-e2e',
      services: ['directory', 'gateway', 'signature', 'routing', 'delivery'],
      env: {
        signature: {
          SIGNATURE_VERIFIER: 'cryptographic',
          SIGNATURE_TRUST_ANCHORS_PATH: anchorsPath,
          SIGNATURE_RULES_PATH: rulesPath,
          SIGNATURE_NETWORK_ALLOWED_HOSTS: '127.0.0.1',
          SIGNATURE_NETWORK_TIMEOUT_MS: '2000',
        },
      },
      agencies: [
        { code: H53, name: 'UBND tỉnh Tây Ninh' },
        { code: G22, name: 'Văn phòng Chính phủ' },
      ],
      systems: [
        { systemId: 'qlvb-tayninh', code: H53 },
        { systemId: 'qlvb-vpcp', code: G22 },
      ],
    });
    ({ db, topics } = axis);
    tayNinh = axis.client('qlvb-tayninh');
    vpcp = axis.client('qlvb-vpcp');
  }, AXIS_START_TIMEOUT_MS);

  afterAll(async () => {
    await axis?.stop();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records a validly signed package as valid and the same package with one byte changed as invalid, with the reason codes', async () => {
    const pdf = await sandbox.signedPdf();
    const changed = Buffer.from(pdf);
    const at = changed.indexOf('Cong van');
    changed[at] = 'K'.charCodeAt(0);
    ids.valid = await send('101', pdf);
    ids.tampered = await send('102', changed);

    const found = await verdicts(2);
    const valid = found.get(ids.valid)!;
    const tampered = found.get(ids.tampered)!;
    expect([valid.type, valid.payload.verifier, valid.payload.cryptographic]).toEqual([SignatureVerifiedEvent.type, 'cryptographic/1', 'valid']);
    expect(valid.payload.checks.map((c) => [c.name, c.result])).toEqual([
      ['body-hash', 'passed'],
      ['readable', 'passed'],
      ['attachments', 'passed'],
      ['manifest', 'passed'],
      ['signature:cong-van.pdf', 'passed'],
      ['decree30', 'passed'],
      ['evidence', 'passed'],
    ]);
    expect(valid.payload.checks[4]?.detail).toBe(`valid; 2 signature(s): personal by ${sandbox.hierarchy.personal.subject}: valid; organisational by ${sandbox.hierarchy.organisational.subject}: valid`);
    expect(valid.payload.checks[6]?.detail).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The event references the evidence record in the blob store; the check names the same blob.
    expect(valid.payload.evidence).toEqual({ sha256: valid.payload.checks[6]?.detail.slice('sha256:'.length), size: expect.any(Number) as number, contentType: 'application/vnd.vdx.signature-evidence+json' });

    // Carried (SIGNATURE_REFUSE is empty), with the verdict and the code that decided it.
    expect([tampered.type, tampered.payload.cryptographic]).toEqual([SignatureVerifiedEvent.type, 'invalid']);
    const check = tampered.payload.checks.find((c) => c.name === 'signature:cong-van.pdf');
    expect(check?.result).toBe('failed');
    expect(check?.detail).toBe(`invalid; 2 signature(s): personal by ${sandbox.hierarchy.personal.subject}: invalid; organisational by ${sandbox.hierarchy.organisational.subject}: invalid; SIGNATURE.DIGEST_MISMATCH`);
    expect(tampered.payload.checks.find((c) => c.name === 'decree30')?.result).toBe('failed');
    // Every signer's status came from the live OCSP responder, once per certificate (then cached).
    expect(sandbox.ocsp.answered).toBe(2);
  });

  it("shows each verdict on the recipient's inbox item: the signed package valid, the tampered one invalid, both delivered", async () => {
    const items = await waitUntil('both packages in the recipient\'s inbox', async () => {
      const listed = (await vpcp.listInbox({ agencyCode: G22 })).items;
      const valid = listed.find((i) => i.packageId === ids.valid);
      const tampered = listed.find((i) => i.packageId === ids.tampered);
      return valid && tampered ? { valid, tampered } : undefined;
    }, { timeoutMs: 45_000, intervalMs: 300 });
    expect([items.valid.signatureVerdict, items.tampered.signatureVerdict]).toEqual(['valid', 'invalid']);
  });

  it("shows both verdicts in the sender's GetTrace: the signature stage, the cryptographic result, every check, the evidence", async () => {
    const valid: Trace = await traced(ids.valid);
    expect(valid.stage).toBe('routed'); // routing and delivery run too: both went on to their recipient
    expect(valid.events.find((e) => e.type === 'verified')?.detail).toBe('integrity passed; cryptographic verification valid');
    expect(valid.signature).toMatchObject({ verifier: 'cryptographic/1', cryptographic: 'valid', evidence: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) as string });
    expect(valid.signature?.checks.map((c) => c.name)).toEqual(['body-hash', 'readable', 'attachments', 'manifest', 'signature:cong-van.pdf', 'decree30', 'evidence']);

    const tampered = await traced(ids.tampered);
    expect(tampered.stage).toBe('routed');
    expect(tampered.events.find((e) => e.type === 'verified')?.detail).toBe('integrity passed; cryptographic verification invalid (cong-van.pdf: SIGNATURE.DIGEST_MISMATCH)');
    expect(tampered.signature?.cryptographic).toBe('invalid');
    expect(tampered.signature?.checks.find((c) => c.name === 'signature:cong-van.pdf')).toMatchObject({ result: 'failed', detail: expect.stringContaining('SIGNATURE.DIGEST_MISMATCH') as string });
  });

  it('vdx signature report prints the evidence record of the package, found through its SignatureVerified event', async () => {
    const report = await signatureReport(ids.valid, cli());
    expect(report.verdict).toMatchObject({ type: 'SignatureVerified', cryptographic: 'valid', verifier: 'cryptographic/1' });
    const verified = (await verdicts(2)).get(ids.valid)!;
    expect(report.verdict.evidence).toBe(verified.payload.evidence?.sha256);
    expect(report.record).toMatchObject({ kind: 'vdx.signature.evidence/1', packageId: ids.valid });
    expect(report.record.verdict.main.signatures.map((s) => s.evidence.revocation.map((r) => `${r.answer?.status} ${r.answer?.source}`))).toEqual([
      ['good ocsp', 'good crl'],
      ['good ocsp', 'good crl'],
    ]);
    expect((report.raw as { packageId: string }).packageId).toBe(ids.valid);
    const text = formatEvidence(report.record, report.verdict);
    expect(text).toContain(`package ${ids.valid}`);
    expect(text).toContain('signatures: valid; Decree 30 compliant');
    expect(text).toContain(`signer ${sandbox.hierarchy.personal.subject}`);
    expect(text).toContain(`revocation ${sandbox.hierarchy.organisational.subject}: good by ocsp`);

    const missing = await signatureReport('no-such-package', cli()).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SignatureCommandError);
    expect((missing as SignatureCommandError).code).toBe('SIGNATURE.VERDICT_NOT_FOUND');
  });

  it('vdx signature recheck: refuses a decided package, re-validates an indeterminate one once revocation answers, appends the new verdict (trace and statistics follow)', async () => {
    const refused = await signatureRecheck(ids.valid, cli()).catch((e: unknown) => e);
    expect((refused as SignatureCommandError).code).toBe('SIGNATURE.NOT_INDETERMINATE');

    // A seal the OCSP responder does not know ("unknown"), while its CA's CRL is down: indeterminate.
    const seal = await unknownSeal('Sở Tư pháp tỉnh Tây Ninh');
    sandbox.files.down.add('/ca.crl');
    ids.indeterminate = await send('103', await sandbox.signedPdf('Quyet dinh so 7/QD-STP', [seal]));
    const found = await verdicts(3);
    expect(found.get(ids.indeterminate)?.payload.cryptographic).toBe('unknown');
    expect(found.get(ids.indeterminate)?.payload.checks.find((c) => c.name === 'signature:cong-van.pdf')?.detail).toContain('REVOCATION.UNKNOWN');

    // Still down: the recheck says the same, and appends nothing.
    const still = await signatureRecheck(ids.indeterminate, cli());
    expect([still.from, still.verdict.ok && still.verdict.cryptographic, still.appended, still.notAppended]).toEqual(['network', 'unknown', null, 'unchanged']);
    const before = await statisticsOfDay(ids.indeterminate, 'before');
    expect(before).toMatchObject({ validBoth: 1, validPartial: 0, invalid: 1, indeterminate: 1 });

    // The CRL is back: OCSP still says unknown, the CRL says good. A dry run shows it and appends nothing.
    sandbox.files.down.delete('/ca.crl');
    const dry = await signatureRecheck(ids.indeterminate, { ...cli(), dryRun: true });
    expect([dry.verdict.ok && dry.verdict.cryptographic, dry.appended, dry.notAppended]).toEqual(['valid', null, 'dry-run']);
    expect((await findVerdicts(ids.indeterminate, cli())).all).toHaveLength(1);

    const now = await signatureRecheck(ids.indeterminate, { ...cli(), operator: 'e2e' });
    expect(now.verdict).toMatchObject({ ok: true, cryptographic: 'valid' });
    expect(now.outline?.files[0]?.signatures).toEqual([{ signer: seal.subject, kind: 'organisational', status: 'valid', codes: [] }]);
    expect(now.recorded.cryptographic).toBe('unknown');
    expect(now.appended).toMatchObject({ topic: topics.signature, aggregateSeq: 2, evidence: expect.stringMatching(/^[0-9a-f]{64}$/) as string });
    expect(formatRecheck(now)).toContain(`appended SignatureRechecked ${now.appended?.eventId} to ${topics.signature} (sequence 2)`);

    // In the log: the recheck replaces the service's verdict, in its correlation, keyed like it.
    const chain = await findVerdicts(ids.indeterminate, cli());
    expect(chain.all.map((v) => [v.type, v.cryptographic, v.aggregateSeq])).toEqual([
      ['SignatureVerified', 'unknown', 1],
      ['SignatureRechecked', 'valid', 2],
    ]);
    expect([chain.current.eventId, chain.current.causationId, chain.current.correlationId, chain.current.operator]).toEqual([now.appended?.eventId, chain.original.eventId, chain.original.correlationId, 'cli:e2e']);
    const codec = new EventCodec(catalogue);
    const rechecked: unknown[] = [];
    await readLogFromStart({ brokers: env.kafkaBrokers, clientId: 'signature-e2e-rechecked' }, [topics.signature], async (records) => {
      for (const r of records) {
        const e = codec.decode(r.value!, r.headers);
        if (isEvent(SignatureRecheckedEvent, e)) rechecked.push({ key: r.key, payload: e.payload });
      }
    });
    expect(rechecked).toEqual([
      {
        key: expect.any(String) as string,
        payload: expect.objectContaining({
          supersedes: chain.original.eventId,
          previousCryptographic: 'unknown',
          previousDecree30: false,
          cryptographic: 'valid',
          verifier: 'cryptographic/1',
          operator: 'cli:e2e',
          evidence: { sha256: now.appended?.evidence, size: expect.any(Number) as number, contentType: 'application/vnd.vdx.signature-evidence+json' },
        }) as unknown,
      },
    ]);

    // Its evidence record is stored, and `vdx signature report` now shows it: the CRL answered.
    const reported = await signatureReport(ids.indeterminate, cli());
    expect([reported.verdict.type, reported.verdict.evidence]).toEqual(['SignatureRechecked', now.appended?.evidence]);
    expect(reported.record.verdict.main.signatures[0]?.evidence.revocation.map((r) => r.answer?.status)).toContain('good');

    // The sender's trace shows the new verdict, and the recheck among its events.
    const trace = await waitUntil('the recheck in the trace', () => tayNinh.getTrace(ids.indeterminate).then((t) => (t.signature?.cryptographic === 'valid' ? t : undefined), () => undefined), { timeoutMs: 45_000, intervalMs: 300 });
    expect(trace.events.find((e) => e.type === 'rechecked')?.detail).toBe('re-validated by cli:e2e: cryptographic verification unknown → valid');
    expect(trace.events.find((e) => e.type === 'verified')?.detail).toContain('cryptographic verification unknown');

    // The central office's figures move the package from indeterminate to valid (the seal alone: partial).
    expect(await statisticsOfDay(ids.indeterminate, 'after')).toMatchObject({ validBoth: 1, validPartial: 1, invalid: 1, indeterminate: 0 });

    // Decided now: a second recheck is refused, and with --any it finds nothing to change.
    expect(((await signatureRecheck(ids.indeterminate, cli()).catch((e: unknown) => e)) as SignatureCommandError).code).toBe('SIGNATURE.NOT_INDETERMINATE');
    const again = await signatureRecheck(ids.indeterminate, { ...cli(), any: true });
    expect([again.recorded.type, again.appended, again.notAppended]).toEqual(['SignatureRechecked', null, 'unchanged']);
  });

  it('vdx signature recheck: of two rechecks racing on one package, the one that started later appends and the other appends nothing (SIGNATURE.RECHECK_RACED)', async () => {
    // Two more packages sealed by a certificate OCSP does not know, while the CRL is down: indeterminate.
    const seal = await unknownSeal('Sở Nội vụ tỉnh Tây Ninh');
    sandbox.files.down.add('/ca.crl');
    const fenced = await send('104', await sandbox.signedPdf('Quyet dinh so 8/QD-SNV', [seal]));
    const reread = await send('105', await sandbox.signedPdf('Quyet dinh so 9/QD-SNV', [seal]));
    const found = await verdicts(5);
    expect([found.get(fenced)?.payload.cryptographic, found.get(reread)?.payload.cryptographic]).toEqual(['unknown', 'unknown']);
    sandbox.files.down.delete('/ca.crl');

    /** Starts a recheck of `packageId` that stops at `at` until released: resolves once it got there. */
    const held = async (packageId: string, at: 'beforeReread' | 'beforeAppend') => {
      let reached: () => void = () => undefined;
      let release: () => void = () => undefined;
      const there = new Promise<void>((r) => (reached = r));
      const released = new Promise<void>((r) => (release = r));
      const run = signatureRecheck(packageId, { ...cli(), operator: 'first', pauses: { [at]: () => (reached(), released) } }).then(
        (summary) => ({ summary }),
        (err: unknown) => ({ err }),
      );
      await Promise.race([there, run.then((r) => Promise.reject(new Error(`the first recheck ended before its pause: ${JSON.stringify(r)}`)))]);
      return { run, release };
    };

    for (const [packageId, at, message] of [
      // The first recheck read the log and is about to append when the second starts: the
      // second's transaction fences the first's, so the first cannot commit.
      [fenced, 'beforeAppend', /another recheck of .* started while this one ran/],
      // The first has its new verdict but has not read the log again when the second appends:
      // it sees the verdict it would replace is no longer the current one.
      [reread, 'beforeReread', /was replaced while this recheck ran \(by cli:second/],
    ] as const) {
      const first = await held(packageId, at);
      const second = await signatureRecheck(packageId, { ...cli(), operator: 'second' });
      expect(second.appended).toMatchObject({ aggregateSeq: 2 });
      first.release();
      const lost = await first.run;
      expect('err' in lost && [(lost.err as SignatureCommandError).code, (lost.err as Error).message]).toEqual(['SIGNATURE.RECHECK_RACED', expect.stringMatching(message) as string]);
      // One replacement in the log, the second's: never two verdicts at one sequence.
      const chain = await findVerdicts(packageId, cli());
      expect(chain.all.map((v) => [v.type, v.cryptographic, v.aggregateSeq, v.operator ?? null])).toEqual([
        ['SignatureVerified', 'unknown', 1, null],
        ['SignatureRechecked', 'valid', 2, 'cli:second'],
      ]);
      expect(chain.current.eventId).toBe(second.appended?.eventId);
    }
  });

  it('responder down: with the OCSP responder stopped and the CRL unavailable a package is indeterminate (REVOCATION.UNAVAILABLE); valid after recheck once they are back', async () => {
    // A seal the responder knows as good, but whose answer no cache holds yet.
    const seal = await sandbox.issueSeal('Sở Xây dựng tỉnh Tây Ninh');
    await sandbox.ocsp.stop();
    sandbox.files.down.add('/ca.crl');
    let packageId: string;
    try {
      packageId = await send('106', await sandbox.signedPdf('Cong van so 11/UBND-VP', [seal]));
      const found = await verdicts(6);
      expect(found.get(packageId)?.payload.cryptographic).toBe('unknown');
      const detail = found.get(packageId)?.payload.checks.find((c) => c.name === 'signature:cong-van.pdf')?.detail ?? '';
      expect(detail).toContain('REVOCATION.UNAVAILABLE');
      expect(detail).not.toContain('REVOCATION.UNKNOWN');
    } finally {
      sandbox.files.down.delete('/ca.crl');
      await sandbox.ocsp.start();
    }
    const back = await signatureRecheck(packageId, { ...cli(), operator: 'e2e' });
    expect([back.from, back.verdict.ok && back.verdict.cryptographic, back.recorded.cryptographic]).toEqual(['network', 'valid', 'unknown']);
    expect(back.outline?.files[0]?.signatures).toEqual([{ signer: seal.subject, kind: 'organisational', status: 'valid', codes: [] }]);
    expect(back.appended).toMatchObject({ topic: topics.signature, aggregateSeq: 2 });
  });

  it('vdx signature recheck --offline proves a record from its evidence alone, with every responder stopped', async () => {
    // Offline, from the valid package's record, with every responder stopped: the same verdict.
    await sandbox.stop();
    const offline = await signatureRecheck(ids.valid, { ...cli(), offline: true });
    expect([offline.from, offline.verdict.ok && offline.verdict.cryptographic, offline.appended, offline.notAppended]).toEqual(['evidence', 'valid', null, 'offline']);
    const recorded = await signatureReport(ids.valid, cli());
    expect(offline.validatedAt).toBe(recorded.record.verdict.main.signatures[0]?.evidence.validatedAt.toISOString());
  });
});
