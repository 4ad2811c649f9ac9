import { BlobStoreError, InMemoryBlobStore, type BlobStore } from '@vdx/blob-store';
import { EventCodec, PackageAcceptedEvent, ProbeRecordedEvent, SignatureRejectedEvent, SignatureVerifiedEvent, catalogue, createEvent, packageFieldsOf, type EventEnvelope, type EvidenceRef, type PackageAccepted } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { documentPackage, parseEdxml } from '@vdx/edxml';
import type { ConsumedEvent } from '@vdx/messaging';
import { CryptographicVerifier, EVIDENCE_CONTENT_TYPE, readEvidenceRecord, type PackageVerifier, type VerificationInput, type Verdict } from '@vdx/signature-domain';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { signDetached } from '../../validator/src/testing/cms-builder';
import { sandboxContext, sandboxHierarchy, SIGNED_AT } from '../../validator/src/testing/fixtures';
import { minimalPdf, signPdf } from '../../validator/src/testing/pdf-builder';
import { evidenceKeeper } from './verifier-factory';
import { verifyAccepted } from './verify-accepted';

const TOPIC = 'test.signature.events';
const BODY = Buffer.from('<edXML>văn bản</edXML>');
const ATTACHMENT = { contentId: 'a1', name: 'vb.pdf', contentType: 'application/pdf', size: 3, sha256: 'cd'.repeat(32) };
const TRACE = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: null };

/** A verifier that answers what it is told, and keeps what it was given. */
class FakeVerifier implements PackageVerifier {
  readonly name = 'fake/1';
  readonly seen: { input: VerificationInput; body: Buffer }[] = [];
  constructor(private readonly verdict: Verdict) {}

  async verify(input: VerificationInput, body: AsyncIterable<Uint8Array>): Promise<Verdict> {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(Buffer.from(c));
    this.seen.push({ input, body: Buffer.concat(chunks) });
    return this.verdict;
  }
}

const passed: Verdict = { ok: true, checks: [{ name: 'body-hash', result: 'passed', detail: '' }], cryptographic: 'not-performed', verifier: 'fake/1' };
const failed: Verdict = { ok: false, checks: [{ name: 'manifest', result: 'failed', detail: 'vb.pdf missing' }], errorCode: 'SIGNATURE.MANIFEST_MISMATCH', reason: 'an attachment is missing', verifier: 'fake/1' };

function accepted(bodySha256: string, over: Partial<PackageAccepted> = {}): EventEnvelope<PackageAccepted> {
  return createEvent(PackageAcceptedEvent, {
    aggregateId: over.packageId ?? 'pkg-1',
    aggregateSeq: 1,
    actor: { kind: 'agency', id: '000.00.00.H53' },
    correlationId: 'corr-1',
    trace: TRACE,
    occurredAt: new Date('2026-11-30T02:00:00.000Z'),
    payload: {
      // The package fields of an accepted package (a PackageRef's, without acceptedAt).
      ...packageFieldsOf(
        packageRefWith({ packageId: 'pkg-1', senderCode: '000.00.00.H53', systemId: 'qlvb-tayninh', recipientCodes: ['000.00.00.G22'], documentId: '000.00.00.H53,2026/11/30,1/UBND-VP', businessDocType: '0', subject: 'Công văn', priority: '0', bodySha256, bodySize: BODY.length }),
      ),
      attachments: [ATTACHMENT],
      warnings: [],
      idempotencyKey: 'idem-1',
      clientRef: null,
      ...over,
    },
  });
}

const consumed = (event: EventEnvelope): ConsumedEvent => ({ event, record: { topic: 'test.gateway.events', partition: 0, offset: '7', key: null, value: null, headers: {} } });

async function stored(): Promise<{ blobs: InMemoryBlobStore; sha256: string }> {
  const blobs = new InMemoryBlobStore();
  const { sha256 } = await blobs.put(Readable.from([BODY]));
  return { blobs, sha256 };
}

describe('verifyAccepted (the signature service step)', () => {
  it('reads the stored body, hands it to the verifier, and records SignatureVerified on the document’s key and chain', async () => {
    const { blobs, sha256 } = await stored();
    const verifier = new FakeVerifier(passed);
    const input = accepted(sha256);
    const [out, ...more] = await verifyAccepted(blobs, verifier, TOPIC)(consumed(input));
    expect(more).toEqual([]);
    expect(verifier.seen).toHaveLength(1);
    expect(verifier.seen[0]!.body).toEqual(BODY);
    expect(verifier.seen[0]!.input.attachments).toEqual([ATTACHMENT]);
    const ref = verifier.seen[0]!.input.ref;
    expect(ref).toMatchObject({ packageId: 'pkg-1', documentId: input.payload.documentId, bodySha256: sha256, acceptedAt: '2026-11-30T02:00:00.000Z' });
    expect(out).toMatchObject({ topic: TOPIC, key: input.payload.documentId });
    expect(out!.event).toMatchObject({
      type: SignatureVerifiedEvent.type,
      aggregateId: 'pkg-1',
      aggregateSeq: 1,
      actor: { kind: 'system', id: 'signature' },
      correlationId: 'corr-1',
      causationId: input.eventId,
      trace: TRACE,
      payload: { package: ref, checks: passed.checks, cryptographic: 'not-performed', verifier: 'fake/1' },
    });
  });

  it('records a failed verdict as SignatureRejected with its code and reason', async () => {
    const { blobs, sha256 } = await stored();
    const [out] = await verifyAccepted(blobs, new FakeVerifier(failed), TOPIC)(consumed(accepted(sha256)));
    expect(out!.event).toMatchObject({ type: SignatureRejectedEvent.type, payload: { checks: failed.checks, errorCode: 'SIGNATURE.MANIFEST_MISMATCH', reason: 'an attachment is missing', verifier: 'fake/1' } });
  });

  it('keeps an urgent package in the urgent lane, keyed by its package id when it names no document', async () => {
    const { blobs, sha256 } = await stored();
    const [out] = await verifyAccepted(blobs, new FakeVerifier(passed), TOPIC)(consumed(accepted(sha256, { priority: '3', documentId: null })));
    expect([out!.topic, out!.key]).toEqual([`${TOPIC}.urgent`, 'pkg-1']);
  });

  it('rejects a package whose body is not in the store with SIGNATURE.BODY_MISSING, without asking the verifier', async () => {
    const verifier = new FakeVerifier(passed);
    const missing = 'ef'.repeat(32);
    const [out] = await verifyAccepted(new InMemoryBlobStore(), verifier, TOPIC)(consumed(accepted(missing)));
    expect(verifier.seen).toEqual([]);
    expect(out!.event).toMatchObject({
      type: SignatureRejectedEvent.type,
      payload: { errorCode: 'SIGNATURE.BODY_MISSING', verifier: 'fake/1', checks: [{ name: 'body-hash', result: 'failed', detail: `no body ${missing} in the store` }] },
    });
  });

  it('throws when the store does not answer, for the processor to try the batch again', async () => {
    const down: BlobStore = Object.assign(new InMemoryBlobStore(), {
      get: async () => {
        throw new BlobStoreError('BLOB.STORE_UNAVAILABLE', 'the store does not answer');
      },
    });
    await expect(verifyAccepted(down, new FakeVerifier(passed), TOPIC)(consumed(accepted('ab'.repeat(32))))).rejects.toThrow('the store does not answer');
  });

  it('references the evidence record the verifier kept from SignatureVerified and SignatureRejected, and none when it kept none', async () => {
    const { blobs, sha256 } = await stored();
    const codec = new EventCodec(catalogue);
    const decoded = (e: EventEnvelope) => {
      const { value, headers } = codec.encode(e);
      return codec.decode(value, headers).payload as { evidence: EvidenceRef | null };
    };
    const evidence: EvidenceRef = { sha256: 'e'.repeat(64), size: 2048, contentType: EVIDENCE_CONTENT_TYPE };
    const [verified] = await verifyAccepted(blobs, new FakeVerifier({ ...passed, evidence }), TOPIC)(consumed(accepted(sha256)));
    expect([verified!.event.type, (verified!.event.payload as { evidence?: unknown }).evidence, decoded(verified!.event).evidence]).toEqual([SignatureVerifiedEvent.type, evidence, evidence]);
    const [rejected] = await verifyAccepted(blobs, new FakeVerifier({ ...failed, evidence }), TOPIC)(consumed(accepted(sha256)));
    expect([rejected!.event.type, decoded(rejected!.event).evidence]).toEqual([SignatureRejectedEvent.type, evidence]);
    const [none] = await verifyAccepted(blobs, new FakeVerifier(passed), TOPIC)(consumed(accepted(sha256)));
    expect(none!.event.payload).not.toHaveProperty('evidence');
    expect(decoded(none!.event).evidence).toBeNull();
  });

  it('with a cryptographic verifier keeping evidence in the blob store, SignatureVerified names the stored record by its hash', async () => {
    const h = await sandboxHierarchy();
    let pdf = minimalPdf();
    for (const [i, signer] of [h.personal, h.organisational].entries()) pdf = await signPdf(pdf, { fieldName: `Signature${i + 1}`, signingTime: SIGNED_AT }, (c) => signDetached(c, { signer, signingTime: SIGNED_AT }));
    const body = Buffer.from(documentPackage({ from: '000.00.00.H53', to: ['000.00.00.G22'], codeNumber: '1', codeNotation: 'UBND-VP', subject: 'Công văn', attachments: [{ name: 'cong-van.pdf', bytes: Buffer.from(pdf) }] }).xml);
    const blobs = new InMemoryBlobStore();
    const put = await blobs.put(Readable.from([body]));
    const attachments = parseEdxml(body).package.attachments.map((a) => ({ contentId: a.contentId ?? null, name: a.attachmentName ?? null, contentType: a.contentType ?? null, size: a.size, sha256: a.sha256 }));
    const verifier = new CryptographicVerifier({ context: () => sandboxContext(h), keepEvidence: evidenceKeeper(blobs) });

    const [out] = await verifyAccepted(blobs, verifier, TOPIC)(consumed(accepted(put.sha256, { bodySize: body.length, attachments })));
    const payload = out!.event.payload as { cryptographic: string; evidence?: EvidenceRef; checks: { name: string; detail: string }[] };
    expect([out!.event.type, payload.cryptographic]).toEqual([SignatureVerifiedEvent.type, 'valid']);
    const chunks: Buffer[] = [];
    for await (const c of (await blobs.get(payload.evidence!.sha256)) as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
    const record = Buffer.concat(chunks);
    expect(payload.evidence).toEqual({ sha256: createHash('sha256').update(record).digest('hex'), size: record.length, contentType: EVIDENCE_CONTENT_TYPE });
    expect(await blobs.stat(payload.evidence!.sha256)).toMatchObject({ size: record.length, contentType: EVIDENCE_CONTENT_TYPE });
    expect(readEvidenceRecord(record)).toMatchObject({ packageId: 'pkg-1', bodySha256: put.sha256 });
    // The check still names it, for the trace and readers of events written before the reference.
    expect(payload.checks.find((c) => c.name === 'evidence')?.detail).toBe(`sha256:${payload.evidence!.sha256}`);
  });

  it('ignores every other event', async () => {
    const other = createEvent(ProbeRecordedEvent, { aggregateId: 'p', aggregateSeq: 1, actor: { kind: 'system', id: 'tests' }, correlationId: 'c', payload: { probeId: 'p', seq: 1, note: '', weight: 1 } });
    const verifier = new FakeVerifier(passed);
    expect(await verifyAccepted(new InMemoryBlobStore(), verifier, TOPIC)(consumed(other))).toEqual([]);
    expect(verifier.seen).toEqual([]);
  });
});
