import { parseAgencyCode } from '@vdx/agency-code';
import { BlobStoreError, type BlobStore, type BlobWriter } from '@vdx/blob-store';
import {
  PackageAcceptedEvent,
  PackageRejectedEvent,
  createEvent,
  documentKey,
  laneOf,
  newEventId,
  type EventEnvelope,
  type Lane,
  type PackageFinding,
  type TraceContext,
} from '@vdx/contracts';
import { discardSink, isEdxmlError, parseEdxmlStream, type StreamParseResult } from '@vdx/edxml';
import type { SendStage } from '@vdx/observability';
import { createHash } from 'node:crypto';
import type { Receipt, ReceiptStore } from '../receipts/receipt';
import { ExchangeError } from './exchange.error';
import { idempotencyKey, keyId } from './idempotency-key';
import { LENIENT, asDecided, isStrict, uncarriable, type StrictFindings } from './intake-policy';
import { packageFacts, toPackageFinding, type PackageFacts } from './package-facts';

/** Who is calling: from the client certificate of the mutual-TLS connection. */
export interface CallerIdentity {
  /** SHA-256 of the client certificate (lower-case hex). */
  readonly fingerprint: string;
  readonly systemId: string;
}

/** The first message of a send. */
export interface SendHeader {
  readonly senderCode: string;
  readonly kind: string;
  readonly clientRef: string;
  /** Lower-case hex SHA-256 of the body; empty when the client does not state it. */
  readonly bodySha256: string;
  /** Body size in bytes; 0 when the client does not state it. */
  readonly bodySize: number;
  /**
   * The recipients the caller names (canonical codes), which replace the package's own (To of a
   * document, ResponseFor of a status); absent or empty: the package decides. The legacy API's
   * `to` (docs/adr/0018-document-lifecycle-and-legacy-to.md).
   */
  readonly recipientCodes?: readonly string[];
}

export type SendOutcome =
  | { readonly outcome: 'accepted'; readonly duplicate: boolean; readonly receipt: Receipt }
  | {
      readonly outcome: 'rejected';
      readonly packageId: string;
      readonly bodySha256: string;
      readonly bodySize: number;
      readonly errorCode: string;
      readonly reason: string;
      readonly findings: readonly PackageFinding[];
    };

/** The ports the intake works through; the module wires the real ones, tests the fakes. */
export interface IntakePorts {
  readonly blobs: BlobStore;
  readonly receipts: ReceiptStore;
  /**
   * Appends one gateway event durably (acks=all) before resolving, under `key`: the document's
   * key for an accepted package, so one document's packages reach every later step in the order
   * they were accepted.
   */
  /** Appends to the gateway's topic of `lane` (docs/adr/0008-priority-lanes.md). */
  readonly append: (event: EventEnvelope, key: string, lane: Lane) => Promise<void>;
  /** Whether the system holding this certificate may act for the agency (the directory's answer). */
  readonly mayActFor: (fingerprint: string, agencyCode: string) => boolean;
  readonly clock?: () => Date;
  /** Largest body accepted; default 128 MiB. */
  readonly maxBodyBytes?: number;
  /** Finding codes refused although they could be carried; default none (docs/adr/0012-lenient-intake.md). */
  readonly strictFindings?: StrictFindings;
  /** Told how long each stage of a send took, failed or not (`vdx_edge_send_stage_seconds`). */
  readonly observeStage?: (stage: SendStage, seconds: number) => void;
}

export const DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024;
const MAX_CLIENT_REF = 128;
const MAX_NAMED_RECIPIENTS = 1000;
const SHA256 = /^[0-9a-f]{64}$/;

interface StoredBody {
  readonly sha256: string;
  readonly size: number;
}

/**
 * The gateway's edge logic for one send: authorise the caller for the sender agency, stream the
 * body into the blob store while parsing it, then record the package as accepted (once per
 * idempotency key) or rejected with the reasons. Nothing is answered before its event is
 * durably appended. A refusal before any event (bad header, not authorised, too large) throws
 * an {@link ExchangeError}.
 */
export class PackageIntake {
  private readonly clock: () => Date;
  private readonly maxBodyBytes: number;
  private readonly strict: StrictFindings;

  constructor(private readonly ports: IntakePorts) {
    this.clock = ports.clock ?? (() => new Date());
    this.maxBodyBytes = ports.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.strict = ports.strictFindings ?? LENIENT;
  }

  /** `trace`: the W3C trace context of the call, stamped on the event (null: none). */
  async receive(caller: CallerIdentity, header: SendHeader, body: AsyncIterable<Uint8Array>, trace: TraceContext | null = null): Promise<SendOutcome> {
    const senderCode = this.checkHeader(header);
    const named = this.checkRecipients(header.recipientCodes ?? []);
    if (!this.ports.mayActFor(caller.fingerprint, senderCode)) {
      throw new ExchangeError('EXCHANGE.NOT_AUTHORISED', `system ${caller.systemId} may not act for ${senderCode}`, { path: 'sender_code' });
    }
    const clientRef = header.clientRef === '' ? null : header.clientRef;
    const { stored, parsed, parseError } = await this.timed('body', () => this.storeAndParse(body));
    const reject = (errorCode: string, reason: string, findings: readonly PackageFinding[] = []) =>
      this.reject(caller, senderCode, clientRef, stored, errorCode, reason, findings, trace);

    if (header.bodySha256 !== '' && header.bodySha256 !== stored.sha256) {
      return reject('EXCHANGE.BODY_MISMATCH', `the body's SHA-256 is ${stored.sha256}, not ${header.bodySha256} as stated: it was damaged on the way`);
    }
    if (header.bodySize > 0 && header.bodySize !== stored.size) {
      return reject('EXCHANGE.BODY_MISMATCH', `the body has ${stored.size} bytes, not ${header.bodySize} as stated`);
    }
    if (parseError) return reject(parseError.code, parseError.message);
    // Strict on integrity, lenient on content (docs/domain.md §9): a finding refuses the package
    // only when it cannot be carried safely, or when this deployment's policy says so.
    const found = parsed!.findings.map(toPackageFinding);
    const read = packageFacts(parsed!.package, parsed!.dialect);
    const facts: PackageFacts = named.length > 0 ? { ...read, recipientCodes: named } : read;
    const blocking = found.map(uncarriable);
    const firstBlocking = blocking.findIndex((why) => why !== undefined);
    if (firstBlocking >= 0) {
      const f = found[firstBlocking]!;
      const count = blocking.filter((why) => why !== undefined).length;
      const decided = found.map((x, i) => asDecided(x, blocking[i] !== undefined, facts.normalisations));
      return reject('EXCHANGE.INVALID_PACKAGE', `the package cannot be carried (${count} finding(s)): ${f.code} at ${f.path}: ${blocking[firstBlocking]!}`, decided);
    }
    if (facts.kind !== header.kind) return reject('EXCHANGE.KIND_MISMATCH', `the header says ${header.kind} but the body is a ${facts.kind} package`);
    if (facts.fromCode !== senderCode) {
      return reject('EXCHANGE.SENDER_MISMATCH', `the package is from ${facts.fromCode ?? '(no From/OrganId)'} but was sent as ${senderCode}`);
    }
    if (facts.kind === 'edoc' && facts.recipientCodes.length === 0) return reject('EXCHANGE.NO_RECIPIENTS', 'the document names no recipient (To/OrganId)');
    const strict = found.map((f) => isStrict(this.strict, f.code, senderCode));
    const refused = found.filter((_, i) => strict[i]);
    if (refused.length > 0) {
      const codes = [...new Set(refused.map((f) => f.code))].join(', ');
      const decided = found.map((x, i) => asDecided(x, strict[i]!, facts.normalisations));
      return reject('EXCHANGE.REFUSED_BY_POLICY', `this axis refuses packages from ${senderCode} with ${codes} (${refused.length} finding(s), first at ${refused[0]!.path})`, decided);
    }
    const carried = found.map((f) => asDecided(f, false, facts.normalisations));
    return this.accept(caller, senderCode, clientRef, stored, facts, carried, trace);
  }

  /** Runs one stage of a send, telling `observeStage` how long it took. */
  private async timed<T>(stage: SendStage, step: () => Promise<T>): Promise<T> {
    const observe = this.ports.observeStage;
    if (!observe) return step();
    const started = process.hrtime.bigint();
    try {
      return await step();
    } finally {
      observe(stage, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** The recipients the header names, canonical and without repeats; a code that is not one refuses the call. */
  private checkRecipients(codes: readonly string[]): string[] {
    if (codes.length > MAX_NAMED_RECIPIENTS) throw new ExchangeError('EXCHANGE.INVALID_ARGUMENT', `recipient_codes names more than ${MAX_NAMED_RECIPIENTS} agencies`, { path: 'recipient_codes' });
    const out: string[] = [];
    for (const [i, code] of codes.entries()) {
      const parsed = parseAgencyCode(code, { whitespace: 'reject' });
      if (!parsed.ok) throw new ExchangeError('EXCHANGE.INVALID_ARGUMENT', `recipient_codes[${i}] ${JSON.stringify(code)}: ${parsed.error.message}`, { path: 'recipient_codes' });
      out.push(parsed.code.toString());
    }
    return [...new Set(out)];
  }

  private checkHeader(header: SendHeader): string {
    const parsed = parseAgencyCode(header.senderCode, { whitespace: 'reject' });
    if (!parsed.ok) throw new ExchangeError('EXCHANGE.INVALID_ARGUMENT', parsed.error.message, { path: 'sender_code' });
    if (header.kind !== 'edoc' && header.kind !== 'status') throw new ExchangeError('EXCHANGE.INVALID_ARGUMENT', `kind must be edoc or status, not ${JSON.stringify(header.kind)}`, { path: 'kind' });
    if (header.clientRef.length > MAX_CLIENT_REF) throw new ExchangeError('EXCHANGE.INVALID_ARGUMENT', `client_ref is longer than ${MAX_CLIENT_REF} characters`, { path: 'client_ref' });
    if (header.bodySha256 !== '' && !SHA256.test(header.bodySha256)) throw new ExchangeError('EXCHANGE.INVALID_ARGUMENT', 'body_sha256 must be 64 lower-case hex digits', { path: 'body_sha256' });
    if (!Number.isSafeInteger(header.bodySize) || header.bodySize < 0) throw new ExchangeError('EXCHANGE.INVALID_ARGUMENT', 'body_size must be a whole number of bytes', { path: 'body_size' });
    if (header.bodySize > this.maxBodyBytes) throw tooLarge(this.maxBodyBytes);
    return parsed.code.toString();
  }

  /**
   * Streams the body into the blob store and the parser at once (one chunk in memory at a
   * time). Unreadable XML stops the parser, not the upload: the rest is still stored as evidence.
   */
  private async storeAndParse(body: AsyncIterable<Uint8Array>): Promise<{ stored: StoredBody; parsed?: StreamParseResult; parseError?: { code: string; message: string } }> {
    const writer = this.ports.blobs.openWriter({ maxBytes: this.maxBodyBytes, contentType: 'application/xml' });
    const source = body[Symbol.asyncIterator]();
    const hash = createHash('sha256');
    let size = 0;
    const max = this.maxBodyBytes;
    const next = async (): Promise<IteratorResult<Uint8Array>> => {
      const r = await source.next();
      if (r.done) return r;
      size += r.value.byteLength;
      if (size > max) throw tooLarge(max);
      hash.update(r.value);
      await writer.write(r.value);
      return r;
    };
    // Not a for-await over `source`: the parser giving up must not close the client's stream.
    const teed: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({ next }),
    };
    try {
      let parsed: StreamParseResult | undefined;
      let parseError: { code: string; message: string } | undefined;
      try {
        parsed = await parseEdxmlStream(teed, discardSink);
      } catch (err) {
        if (!isEdxmlError(err)) throw err;
        parseError = { code: err.code, message: err.message };
        while (!(await next()).done) {
          // drain: the rest of the body is stored too
        }
      }
      const ref = await writer.end();
      const sha256 = hash.digest('hex');
      // The store kept other bytes than the gateway read: answered EXCHANGE.INTERNAL, nothing recorded.
      if (ref.sha256 !== sha256) throw new BlobStoreError('BLOB.CORRUPT', `blob store hashed ${ref.sha256}, the gateway ${sha256}`);
      return { stored: { sha256, size }, ...(parsed ? { parsed } : {}), ...(parseError ? { parseError } : {}) };
    } catch (err) {
      await abortQuietly(writer);
      throw err;
    }
  }

  private async accept(caller: CallerIdentity, senderCode: string, clientRef: string | null, stored: StoredBody, facts: PackageFacts, warnings: PackageFinding[], trace: TraceContext | null): Promise<SendOutcome> {
    const key = idempotencyKey(senderCode, facts, clientRef);
    const id = keyId(key);
    const now = this.clock();
    const claim = await this.timed('claim', () => this.ports.receipts.claim(id, newEventId(), now));
    if (claim.kind === 'done') return { outcome: 'accepted', duplicate: true, receipt: claim.receipt };
    if (claim.kind === 'busy') {
      throw new ExchangeError('EXCHANGE.SEND_IN_PROGRESS', `the same package is being sent since ${claim.since.toISOString()}; retry in a few seconds`);
    }
    const { packageId } = claim;
    const event = createEvent(PackageAcceptedEvent, {
      aggregateId: packageId,
      aggregateSeq: 1,
      actor: { kind: 'agency', id: senderCode },
      correlationId: packageId,
      trace,
      occurredAt: now,
      payload: {
        packageId,
        kind: facts.kind,
        senderCode,
        systemId: caller.systemId,
        recipientCodes: [...facts.recipientCodes],
        documentId: facts.documentId,
        businessDocType: facts.businessDocType,
        relatedDocumentId: facts.relatedDocumentId,
        statusCode: facts.statusCode,
        subject: facts.subject,
        priority: facts.priority,
        dueDate: facts.dueDate,
        bodySha256: stored.sha256,
        bodySize: stored.size,
        attachments: [...facts.attachments],
        warnings,
        idempotencyKey: key,
        clientRef,
      },
    });
    try {
      await this.timed('append', () => this.ports.append(event, documentKey({ documentId: facts.documentId, packageId }), laneOf(facts.priority)));
    } catch (err) {
      await this.ports.receipts.release(id, packageId).catch(() => undefined);
      throw unavailable(err);
    }
    const receipt: Receipt = { packageId, bodySha256: stored.sha256, bodySize: stored.size, acceptedAt: now.toISOString(), recipientCodes: [...facts.recipientCodes], warnings };
    // The package is in the log: a claim left uncompleted (the store busy) costs nothing but
    // this: a resend waits for the receipts projection to answer it, instead of an error now
    // that would make the client send again what was accepted.
    await this.timed('complete', () => this.ports.receipts.complete(id, receipt)).catch(() => undefined);
    return { outcome: 'accepted', duplicate: false, receipt };
  }

  private async reject(
    caller: CallerIdentity,
    senderCode: string,
    clientRef: string | null,
    stored: StoredBody,
    errorCode: string,
    reason: string,
    findings: readonly PackageFinding[],
    trace: TraceContext | null,
  ): Promise<SendOutcome> {
    const packageId = newEventId();
    const event = createEvent(PackageRejectedEvent, {
      aggregateId: packageId,
      aggregateSeq: 1,
      actor: { kind: 'agency', id: senderCode },
      correlationId: packageId,
      trace,
      occurredAt: this.clock(),
      payload: { packageId, senderCode, systemId: caller.systemId, errorCode, reason, findings: [...findings], bodySha256: stored.sha256, bodySize: stored.size, clientRef },
    });
    try {
      await this.timed('append', () => this.ports.append(event, packageId, 'normal'));
    } catch (err) {
      throw unavailable(err);
    }
    return { outcome: 'rejected', packageId, bodySha256: stored.sha256, bodySize: stored.size, errorCode, reason, findings };
  }
}

function tooLarge(max: number): ExchangeError {
  return new ExchangeError('EXCHANGE.BODY_TOO_LARGE', `the body is larger than the ${max} bytes the axis accepts`, { path: 'chunk' });
}

function unavailable(err: unknown): ExchangeError {
  return new ExchangeError('EXCHANGE.UNAVAILABLE', `the package could not be recorded (${(err as Error).message}); nothing was accepted, send it again`, { cause: err });
}

async function abortQuietly(writer: BlobWriter): Promise<void> {
  await writer.abort().catch(() => undefined);
}
