// `vdx signature report <packageId>` and `vdx signature recheck <packageId>`: a package's
// signature evidence record, found through the evidence reference of its current verdict (its
// SignatureVerified or SignatureRejected event, or the last SignatureRechecked that replaced
// it; the `evidence` check for events written before the reference), and a new
// validation of a package whose verdict was indeterminate, appended as SignatureRechecked when
// the verdict changed.
import { existsSync } from 'node:fs';
import { openBlobStore, type BlobStore } from '@vdx/blob-store';
import { EventCodec, PackageAcceptedEvent, SignatureRecheckedEvent, SignatureRejectedEvent, SignatureVerifiedEvent, catalogue, createEvent, documentKey, eventTopic, isEvent, withLanes, type EventEnvelope, type EvidenceRef, type PackageAccepted, type PackageRef, type TraceContext, type VerificationCheck } from '@vdx/contracts';
import { CodedError } from '@vdx/contracts/errors';
import { TransactionalAppender, createKafka, readLogFromStart } from '@vdx/messaging';
import { filesOf, readEvidenceRecord, verdictOutline, type EvidenceRecord, type Verdict } from '@vdx/signature-domain';
import { evidenceKeeper, packageRefOf, REFUSABLE_STATUSES, revalidatePackage, type CryptographicSettings } from '@vdx/signature-feature';
import { Option, type Command } from 'commander';
import { MongoClient } from 'mongodb';

/** Coded refusals of the signature commands. */
export type SignatureCommandCode = 'SIGNATURE.VERDICT_NOT_FOUND' | 'SIGNATURE.NO_EVIDENCE' | 'SIGNATURE.NOT_INDETERMINATE' | 'SIGNATURE.ACCEPTANCE_NOT_FOUND' | 'SIGNATURE.BAD_OPTION' | 'SIGNATURE.RECHECK_RACED';

/** Coded refusals of the signature commands. */
export class SignatureCommandError extends CodedError<SignatureCommandCode> {
  override readonly name = 'SignatureCommandError';
  constructor(code: SignatureCommandCode, message: string) {
    super(code, message);
  }
}

export interface SignatureStoreOptions {
  readonly brokers: string;
  readonly mongoUrl: string;
  readonly db: string;
  /** The services' BLOB_DIR, when bodies and evidence records are files. */
  readonly blobDir?: string;
  /** The signature service's events topic (both lanes are read). */
  readonly signatureTopic: string;
  /** The gateway's events topic (both lanes), for `recheck`. */
  readonly gatewayTopic: string;
}

/** A verdict event of a package: the signature service's, or an operator's re-validation that replaced it. */
export interface RecordedVerdict {
  readonly eventId: string;
  /** The `PackageAccepted` it decided; for a recheck, the verdict it replaced. */
  readonly causationId: string | null;
  readonly type: 'SignatureVerified' | 'SignatureRejected' | 'SignatureRechecked';
  readonly occurredAt: string;
  readonly verifier: string;
  /** `valid`, `invalid`, `unknown`, `unsigned`, `not-performed`; empty for a refusal. */
  readonly cryptographic: string;
  readonly errorCode: string;
  readonly checks: readonly VerificationCheck[];
  /** The blob of the evidence record (hex), when one was kept: the event's `evidence` reference, or the `evidence` check of an event written before it. */
  readonly evidence: string | null;
  /** Whether the verdict's `decree30` check passed. */
  readonly decree30: boolean;
  /** The package as the event names it. */
  readonly package: PackageRef;
  /** Where the event is: its lane of the signature topic, and its place in the package's sequence. */
  readonly topic: string;
  readonly aggregateSeq: number;
  readonly correlationId: string;
  readonly trace: TraceContext | null;
  /** For a recheck: who asked. */
  readonly operator?: string;
}

/** A package's verdicts: the signature service's first, and the one that stands now (the same event when never re-checked). */
export interface VerdictChain {
  readonly original: RecordedVerdict;
  readonly current: RecordedVerdict;
  /** Every verdict event of the package, in sequence order. */
  readonly all: readonly RecordedVerdict[];
}

/** Reads `topics` (both lanes of each) from the start and keeps the events `pick` returns something for. */
async function scan<T>(brokers: string, topics: readonly string[], pick: (e: EventEnvelope, topic: string) => T | undefined): Promise<T[]> {
  const codec = new EventCodec(catalogue);
  const found: T[] = [];
  await readLogFromStart({ brokers, clientId: 'vdx-cli-signature' }, withLanes(topics), async (records) => {
    for (const r of records) {
      if (!r.value) continue;
      const hit = pick(codec.decode(r.value, r.headers), r.topic);
      if (hit !== undefined) found.push(hit);
    }
  });
  return found;
}

/**
 * The evidence record a verdict event names (hex SHA-256): its `evidence` reference, or, in an
 * event written before the reference existed, the `sha256:<hex>` of its `evidence` check.
 */
export function evidenceOf(payload: { readonly checks: readonly VerificationCheck[]; readonly evidence?: EvidenceRef | null }): string | null {
  if (payload.evidence && /^[0-9a-f]{64}$/.test(payload.evidence.sha256)) return payload.evidence.sha256;
  const detail = payload.checks.find((c) => c.name === 'evidence' && c.result === 'passed')?.detail ?? '';
  return /^sha256:([0-9a-f]{64})$/.exec(detail)?.[1] ?? null;
}

const passed = (checks: readonly VerificationCheck[], name: string): boolean => checks.some((c) => c.name === name && c.result === 'passed');

/** The verdict events of one package in the signature topic's lanes, as {@link RecordedVerdict}s. */
function verdictOf(packageId: string) {
  return (e: EventEnvelope, topic: string): RecordedVerdict | undefined => {
    const at = { eventId: e.eventId, causationId: e.causationId, occurredAt: e.occurredAt, topic, aggregateSeq: e.aggregateSeq, correlationId: e.correlationId, trace: e.trace };
    if (isEvent(SignatureVerifiedEvent, e) && e.payload.package.packageId === packageId) {
      const p = e.payload;
      return { ...at, type: 'SignatureVerified', verifier: p.verifier, cryptographic: p.cryptographic, errorCode: '', checks: p.checks, evidence: evidenceOf(p), decree30: passed(p.checks, 'decree30'), package: p.package };
    }
    if (isEvent(SignatureRejectedEvent, e) && e.payload.package.packageId === packageId) {
      const p = e.payload;
      return { ...at, type: 'SignatureRejected', verifier: p.verifier, cryptographic: '', errorCode: p.errorCode, checks: p.checks, evidence: evidenceOf(p), decree30: passed(p.checks, 'decree30'), package: p.package };
    }
    if (isEvent(SignatureRecheckedEvent, e) && e.payload.package.packageId === packageId) {
      const p = e.payload;
      return { ...at, type: 'SignatureRechecked', verifier: p.verifier, cryptographic: p.cryptographic, errorCode: '', checks: p.checks, evidence: evidenceOf(p), decree30: passed(p.checks, 'decree30'), package: p.package, operator: p.operator };
    }
    return undefined;
  };
}

/**
 * The package's verdicts: the signature service's (the first, if the gateway appended the
 * package twice) and the one that stands now, the last recheck that replaced it.
 */
export async function findVerdicts(packageId: string, o: Pick<SignatureStoreOptions, 'brokers' | 'signatureTopic'>): Promise<VerdictChain> {
  const found = await scan(o.brokers, [o.signatureTopic], verdictOf(packageId));
  const decided = found.filter((v) => v.type !== 'SignatureRechecked').sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  const original = decided[0];
  if (!original) throw new SignatureCommandError('SIGNATURE.VERDICT_NOT_FOUND', `no SignatureVerified or SignatureRejected event for package ${packageId} in ${o.signatureTopic}`);
  // Each recheck names the verdict it replaced: follow the chain from the original.
  const all = [original];
  for (let at = original; ; ) {
    const next = found.find((v) => v.type === 'SignatureRechecked' && v.causationId === at.eventId);
    if (!next) break;
    all.push(next);
    at = next;
  }
  return { original, current: all[all.length - 1] ?? original, all };
}

/** The verdict that stands for the package now: the signature service's, or the last recheck that replaced it. */
export async function findVerdict(packageId: string, o: Pick<SignatureStoreOptions, 'brokers' | 'signatureTopic'>): Promise<RecordedVerdict> {
  return (await findVerdicts(packageId, o)).current;
}

async function readBlob(blobs: BlobStore, sha256: string): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of (await blobs.get(sha256)) as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

async function withStore<T>(o: Pick<SignatureStoreOptions, 'mongoUrl' | 'db' | 'blobDir'>, f: (blobs: BlobStore) => Promise<T>): Promise<T> {
  const mongo = await MongoClient.connect(o.mongoUrl);
  try {
    return await f(openBlobStore(mongo.db(o.db), { dir: o.blobDir }));
  } finally {
    await mongo.close();
  }
}

/** A package's current verdict event and its evidence record, read back from the blob store. */
export async function signatureReport(packageId: string, o: SignatureStoreOptions): Promise<{ verdict: RecordedVerdict; record: EvidenceRecord; raw: unknown }> {
  const verdict = await findVerdict(packageId, o);
  if (!verdict.evidence) {
    throw new SignatureCommandError('SIGNATURE.NO_EVIDENCE', `the verdict of ${packageId} (${verdict.verifier}) names no evidence record: the integrity verifier, SIGNATURE_KEEP_EVIDENCE=false, nothing to verify, or refused before the signatures`);
  }
  const sha = verdict.evidence;
  const bytes = await withStore(o, (blobs) => readBlob(blobs, sha));
  return { verdict, record: readEvidenceRecord(bytes), raw: JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown };
}

const iso = (d: unknown): string => (Object.prototype.toString.call(d) === '[object Date]' ? (d as Date).toISOString() : String(d ?? '?'));

/** The record, readably: the package, each file and signature with its signer, path, times, revocation answers and codes. */
export function formatEvidence(record: EvidenceRecord, verdict?: RecordedVerdict): string {
  const v = record.verdict;
  const lines = [
    `package ${record.packageId} (body sha256 ${record.bodySha256})`,
    ...(verdict ? [`verdict ${verdict.type} ${verdict.cryptographic || verdict.errorCode} by ${verdict.verifier} at ${verdict.occurredAt} (event ${verdict.eventId})`] : []),
    `signatures: ${v.status}; Decree 30 ${v.decree30.compliant ? 'compliant' : 'not compliant'}${v.decree30.findings.length ? ` (${v.decree30.findings.map((f) => f.code).join(', ')})` : ''}`,
  ];
  filesOf(v).forEach((file, i) => {
    lines.push(`${i === 0 ? 'main document' : 'attachment'} ${file.name ?? '?'}: ${file.status}${file.findings.length ? ` [${file.findings.map((f) => `${f.code} (${f.effect})`).join(', ')}]` : ''}`);
    file.signatures.forEach((s, j) => {
      lines.push(`  signature ${j + 1}: ${s.status}, ${s.kind}${s.classificationRule ? ` (rule ${s.classificationRule})` : ''}, ${s.signatureAlgorithm ?? '?'}`);
      lines.push(`    signer ${s.signer?.subject ?? '?'}`);
      if (s.chain.length > 1) lines.push(`    path ${s.chain.map((c) => c.subject).join(' → ')}`);
      lines.push(`    checked at ${iso(s.checkedAt.time)} (${s.checkedAt.source})${s.claimedSigningTime ? `, claimed signing time ${iso(s.claimedSigningTime)}` : ''}${s.timestamp?.genTime ? `, timestamp ${iso(s.timestamp.genTime)}` : ''}`);
      for (const r of s.evidence.revocation) lines.push(`    revocation ${r.subject}: ${r.answer ? `${r.answer.status} by ${r.answer.source}${r.answer.revokedAt ? ` (revoked ${iso(r.answer.revokedAt)})` : ''}, ${r.answer.evidence.length} bytes kept` : 'no answer'}`);
      for (const f of s.findings) lines.push(`    ${f.effect} ${f.code}: ${f.message}`);
      lines.push(`    validated at ${iso(s.evidence.validatedAt)}`);
    });
  });
  return lines.join('\n');
}

/** Options of {@link signatureRecheck}: where things are, and the verifier's settings (as the service's environment gives them). */
export interface RecheckOptions extends SignatureStoreOptions {
  readonly settings: CryptographicSettings;
  /** From the package's own evidence record, no network (checks the record rather than the package's current status). Never appends. */
  readonly offline: boolean;
  /** Also re-check a package whose verdict was not indeterminate. */
  readonly any: boolean;
  /** Print the new verdict, append nothing. */
  readonly dryRun?: boolean;
  /** Who asks, recorded in the event as `cli:<operator>`. */
  readonly operator?: string;
  /**
   * A seam for the race tests: awaited once the new verdict is known, before the log is read
   * again (`beforeReread`), and after that, just before the append (`beforeAppend`).
   */
  readonly pauses?: { readonly beforeReread?: () => Promise<void>; readonly beforeAppend?: () => Promise<void> };
}

/** Why a recheck appended nothing. */
export type NotAppended = 'dry-run' | 'offline' | 'unchanged' | 'refused-package' | 'refusal';

export interface RecheckSummary {
  readonly packageId: string;
  /** The verdict that stood before the recheck. */
  readonly recorded: RecordedVerdict;
  readonly from: 'network' | 'evidence';
  readonly validatedAt: string;
  readonly verdict: Verdict;
  readonly outline: ReturnType<typeof verdictOutline> | null;
  /** The `SignatureRechecked` appended, when the verdict changed; else why not. */
  readonly appended: { readonly eventId: string; readonly topic: string; readonly aggregateSeq: number; readonly evidence: string | null } | null;
  readonly notAppended: NotAppended | null;
}

const indeterminate = (v: RecordedVerdict): boolean => v.cryptographic === 'unknown' || v.errorCode === 'SIGNATURE.CRYPTOGRAPHIC_INDETERMINATE';

/**
 * Re-validates a package: finds its current verdict and its `PackageAccepted`, then runs the
 * cryptographic verifier again over the stored body, with the network as it answers now (or,
 * `offline`, only the answers its evidence record holds, at the recorded time). Refuses a
 * package whose verdict was not indeterminate unless `any`.
 *
 * When the new verdict differs from the current one (its result, or whether Decree 30 is met),
 * its evidence record goes into the blob store and a `SignatureRechecked` replacing the current
 * verdict is appended on the same lane, keyed by the document, next in the package's sequence.
 * Not for a dry run, an offline recheck (it proves a record, at its time), a package the
 * service refused (it was never delivered: it is sent again), or a new verdict that is itself a
 * refusal. The append is a Kafka transaction whose id is the package's: a recheck that starts
 * later fences this one, and one that ended before it read the log is seen, so two operators
 * cannot both replace the same verdict (`SIGNATURE.RECHECK_RACED` for the one that lost).
 */
export async function signatureRecheck(packageId: string, o: RecheckOptions): Promise<RecheckSummary> {
  const appending = !o.offline && !o.dryRun;
  const appender = appending ? new TransactionalAppender(createKafka({ brokers: o.brokers, clientId: 'vdx-cli-signature-recheck' }), `vdx-cli-signature-recheck-${packageId}`) : null;
  // Connected before the log is read: from here on, an earlier recheck of the package can no longer commit.
  await appender?.connect();
  try {
    return await recheckWith(packageId, o, appender);
  } finally {
    await appender?.disconnect();
  }
}

async function recheckWith(packageId: string, o: RecheckOptions, appender: TransactionalAppender | null): Promise<RecheckSummary> {
  const recorded = await findVerdict(packageId, o);
  if (!o.any && !o.offline && !indeterminate(recorded)) {
    throw new SignatureCommandError('SIGNATURE.NOT_INDETERMINATE', `the verdict of ${packageId} is ${recorded.cryptographic || recorded.errorCode}, not indeterminate (--any re-checks it anyway)`);
  }
  const accepted = await scan(o.brokers, [o.gatewayTopic], (e) => (isEvent(PackageAcceptedEvent, e) && e.payload.packageId === packageId ? (e as EventEnvelope<PackageAccepted>) : undefined));
  const decided = recorded.type === 'SignatureRechecked' ? null : recorded.causationId;
  const acceptance = accepted.find((e) => e.eventId === decided) ?? accepted[0];
  if (!acceptance) throw new SignatureCommandError('SIGNATURE.ACCEPTANCE_NOT_FOUND', `no PackageAccepted event for package ${packageId} in ${o.gatewayTopic}`);
  const input = { ref: packageRefOf(acceptance), attachments: acceptance.payload.attachments };
  return withStore(o, async (blobs) => {
    let from: Parameters<typeof revalidatePackage>[0]['from'] = { kind: 'network' };
    if (o.offline) {
      if (!recorded.evidence) throw new SignatureCommandError('SIGNATURE.NO_EVIDENCE', `the verdict of ${packageId} names no evidence record to re-validate from`);
      from = { kind: 'evidence', record: readEvidenceRecord(await readBlob(blobs, recorded.evidence)) };
    }
    const outcome = await revalidatePackage({ blobs, input, settings: o.settings, from });
    const summary = { packageId, recorded, from: from.kind, validatedAt: outcome.validatedAt.toISOString(), verdict: outcome.verdict, outline: outcome.record ? verdictOutline(outcome.record.verdict) : null };
    const why = notAppendedOf(o, recorded, outcome.verdict);
    if (why !== null || !appender || !outcome.verdict.ok) return { ...summary, appended: null, notAppended: why ?? 'dry-run' };
    const evidence = outcome.recordBytes ? await evidenceKeeper(blobs)(outcome.recordBytes) : null;
    await o.pauses?.beforeReread?.();
    // Read again now that this recheck holds the package's transactional id: a recheck that
    // committed meanwhile replaced the verdict this one would replace.
    const now = await findVerdict(packageId, o);
    if (now.eventId !== recorded.eventId) {
      throw new SignatureCommandError('SIGNATURE.RECHECK_RACED', `the verdict of ${packageId} was replaced while this recheck ran (by ${now.operator ?? now.verifier}, event ${now.eventId}): run the recheck again`);
    }
    const event = recheckedEvent(recorded, outcome.verdict, o.operator ?? 'operator', evidence);
    await o.pauses?.beforeAppend?.();
    await appender.append([{ topic: recorded.topic, event, key: documentKey(recorded.package) }]).catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== 'MESSAGING.FENCED') throw err;
      throw new SignatureCommandError('SIGNATURE.RECHECK_RACED', `another recheck of ${packageId} started while this one ran, and replaces the verdict instead: nothing appended`);
    });
    return { ...summary, appended: { eventId: event.eventId, topic: recorded.topic, aggregateSeq: event.aggregateSeq, evidence: evidence?.sha256 ?? null }, notAppended: null };
  });
}

function notAppendedOf(o: RecheckOptions, recorded: RecordedVerdict, verdict: Verdict): NotAppended | null {
  if (o.offline) return 'offline';
  if (recorded.type === 'SignatureRejected') return 'refused-package';
  if (!verdict.ok) return 'refusal';
  if (verdict.cryptographic === recorded.cryptographic && passed(verdict.checks, 'decree30') === recorded.decree30) return 'unchanged';
  if (o.dryRun) return 'dry-run';
  return null;
}

/**
 * The event that replaces `recorded` with the new verdict: on its lane, next in the package's
 * sequence, in its correlation, referencing the new evidence record once stored (`evidence`).
 */
export function recheckedEvent(recorded: RecordedVerdict, verdict: Extract<Verdict, { ok: true }>, operator: string, evidence: EvidenceRef | null = null): EventEnvelope {
  return createEvent(SignatureRecheckedEvent, {
    aggregateId: recorded.package.packageId,
    aggregateSeq: recorded.aggregateSeq + 1,
    actor: { kind: 'operator', id: operator },
    correlationId: recorded.correlationId,
    causationId: recorded.eventId,
    trace: recorded.trace,
    payload: {
      package: { ...recorded.package, signatureVerdict: verdict.cryptographic },
      checks: [...verdict.checks],
      cryptographic: verdict.cryptographic,
      verifier: verdict.verifier,
      supersedes: recorded.eventId,
      previousCryptographic: recorded.cryptographic,
      previousDecree30: recorded.decree30,
      operator: `cli:${operator}`,
      ...(evidence ? { evidence } : {}),
    },
  });
}

const NOT_APPENDED: Record<NotAppended, string> = {
  'dry-run': 'dry run: nothing appended',
  offline: 'offline: the record is proved, nothing appended',
  unchanged: 'the verdict is unchanged: nothing appended',
  'refused-package': 'the package was refused, never delivered: nothing appended; send it again for a new verdict',
  refusal: 'the new verdict is a refusal, and a delivered package is not refused after the fact: nothing appended',
};

/** The recheck, readably: the recorded verdict, the new one, each file and signature with its codes, what was appended. */
export function formatRecheck(s: RecheckSummary): string {
  const now = s.verdict.ok ? s.verdict.cryptographic : `refused ${s.verdict.errorCode}`;
  const lines = [
    `package ${s.packageId}: recorded ${s.recorded.cryptographic || s.recorded.errorCode} (${s.recorded.occurredAt}); now ${now} (${s.from === 'network' ? 'network' : 'evidence record, offline'}, validated at ${s.validatedAt})`,
  ];
  for (const f of s.outline?.files ?? []) {
    lines.push(`  ${f.name}: ${f.status}${f.codes.length ? ` [${f.codes.join(', ')}]` : ''}`);
    for (const sig of f.signatures) lines.push(`    ${sig.kind} ${sig.signer}: ${sig.status}${sig.codes.length ? ` [${sig.codes.join(', ')}]` : ''}`);
  }
  lines.push(
    s.appended
      ? `  appended SignatureRechecked ${s.appended.eventId} to ${s.appended.topic} (sequence ${s.appended.aggregateSeq})${s.appended.evidence ? `, evidence sha256:${s.appended.evidence}` : ''}: it replaces ${s.recorded.eventId}`
      : `  ${NOT_APPENDED[s.notAppended ?? 'dry-run']}`,
  );
  return lines.join('\n');
}

const list = (v: string): string[] => v.split(',').map((x) => x.trim()).filter((x) => x !== '');
const positive = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new SignatureCommandError('SIGNATURE.BAD_OPTION', `${name} must be a positive whole number`);
  return n;
};

interface CommonParsed {
  brokers: string;
  mongoUrl: string;
  db: string;
  blobDir?: string;
  signatureTopic: string;
  gatewayTopic: string;
  json: boolean;
}

interface RecheckParsed extends CommonParsed {
  trustAnchors?: string;
  tsaTrustAnchors?: string;
  intermediates?: string;
  rules?: string;
  refuse: string;
  requireTimestamp: boolean;
  maxVerifyMb: number;
  allowedHosts: string;
  timeoutMs: number;
  budgetMs: number;
  offline: boolean;
  any: boolean;
  dryRun: boolean;
  operator: string;
}

/** The verifier settings of the recheck options; `SIGNATURE.BAD_OPTION` for a missing bundle or an unknown status. */
export function recheckSettings(o: Pick<RecheckParsed, 'trustAnchors' | 'tsaTrustAnchors' | 'intermediates' | 'rules' | 'refuse' | 'requireTimestamp' | 'maxVerifyMb' | 'allowedHosts' | 'timeoutMs' | 'budgetMs'>): CryptographicSettings {
  if (!o.trustAnchors) throw new SignatureCommandError('SIGNATURE.BAD_OPTION', '--trust-anchors (or SIGNATURE_TRUST_ANCHORS_PATH) is required');
  const refuse = list(o.refuse);
  const unknown = refuse.filter((r) => !(REFUSABLE_STATUSES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new SignatureCommandError('SIGNATURE.BAD_OPTION', `--refuse: unknown status ${unknown.join(', ')} (${REFUSABLE_STATUSES.join(', ')})`);
  return {
    mode: 'cryptographic',
    trustAnchorsPath: o.trustAnchors,
    ...(o.tsaTrustAnchors ? { tsaTrustAnchorsPath: o.tsaTrustAnchors } : {}),
    ...(o.intermediates ? { intermediatesPath: o.intermediates } : {}),
    ...(o.rules ? { rulesPath: o.rules } : {}),
    refuse: refuse as CryptographicSettings['refuse'],
    requireTimestamp: o.requireTimestamp,
    maxBytesInMemory: o.maxVerifyMb * 1024 * 1024,
    allowedHosts: list(o.allowedHosts),
    requestTimeoutMs: o.timeoutMs,
    packageBudgetMs: o.budgetMs,
    keepEvidence: true,
  };
}

const env = (name: string): string | undefined => process.env[name] || undefined;
/** Where `npm start` keeps package bodies. */
const DEV_BLOB_DIR = '.local/run/dev/blobs';

function storeOptions(command: Command): Command {
  return command
    .addOption(new Option('--brokers <host:port,...>', 'Kafka bootstrap servers').default(env('KAFKA_BROKERS') ?? '127.0.0.1:19092'))
    .addOption(new Option('--mongo-url <url>', 'the store').default(env('MONGO_URL') ?? 'mongodb://127.0.0.1:27018/'))
    .addOption(new Option('--db <name>', 'the database of the blob store').default(env('MONGO_DB') ?? 'vdx'))
    .addOption(new Option('--blob-dir <dir>', "the services' BLOB_DIR, when bodies are files (default: npm start's, if present)").default(env('BLOB_DIR') ?? (existsSync(DEV_BLOB_DIR) ? DEV_BLOB_DIR : undefined)))
    .option('--signature-topic <topic>', "the signature service's events (both lanes)", env('SIGNATURE_EVENTS_TOPIC') ?? eventTopic('signature'))
    .option('--gateway-topic <topic>', "the gateway's events (both lanes)", env('GATEWAY_EVENTS_TOPIC') ?? eventTopic('gateway'))
    .option('--json', 'print JSON', false);
}

export function registerSignatureCommands(program: Command): void {
  const signature = program.command('signature').description("packages' signature verdicts and their evidence");
  storeOptions(signature.command('report').description("print a package's evidence record (found through the evidence reference of its current verdict event)").argument('<packageId>', 'the package'))
    .action(async (packageId: string, o: CommonParsed) => {
      const report = await signatureReport(packageId, o);
      process.stdout.write(o.json ? `${JSON.stringify(report.raw, null, 2)}\n` : `${formatEvidence(report.record, report.verdict)}\n`);
    });
  storeOptions(
    signature
      .command('recheck')
      .description('re-validate an indeterminate package with the network as it answers now, print the new verdict and, when it changed, append SignatureRechecked')
      .argument('<packageId>', 'the package'),
  )
    .option('--offline', 'from the package\'s evidence record only, at the recorded time (any verdict): proves the record', false)
    .option('--any', 'also re-check a package whose verdict was not indeterminate', false)
    .option('--dry-run', 'print the new verdict, append nothing', false)
    .option('--operator <name>', 'recorded in SignatureRechecked as cli:<name>', process.env['USER'] ?? 'operator')
    .addOption(new Option('--trust-anchors <file>', 'PEM bundle of trust anchors').env('SIGNATURE_TRUST_ANCHORS_PATH'))
    .addOption(new Option('--tsa-trust-anchors <file>', 'PEM bundle of the TSA trust anchors (default: the trust anchors)').env('SIGNATURE_TSA_TRUST_ANCHORS_PATH'))
    .addOption(new Option('--intermediates <file>', 'PEM bundle of intermediates').env('SIGNATURE_INTERMEDIATES_PATH'))
    .addOption(new Option('--rules <file>', 'JSON Decree 30 rules').env('SIGNATURE_RULES_PATH'))
    .addOption(new Option('--refuse <statuses>', 'statuses that refuse a package, comma-separated').env('SIGNATURE_REFUSE').default(''))
    .option('--require-timestamp', 'a signature without a valid timestamp is indeterminate', env('SIGNATURE_REQUIRE_TIMESTAMP') === 'true')
    .addOption(new Option('--max-verify-mb <n>', 'attachment megabytes held in memory').env('SIGNATURE_MAX_VERIFY_MB').default(64).argParser(positive('--max-verify-mb')))
    .addOption(new Option('--allowed-hosts <hosts>', 'hosts OCSP, CRL and caIssuers URLs may name').env('SIGNATURE_NETWORK_ALLOWED_HOSTS').default(''))
    .addOption(new Option('--timeout-ms <n>', 'timeout of one request').env('SIGNATURE_NETWORK_TIMEOUT_MS').default(5000).argParser(positive('--timeout-ms')))
    .addOption(new Option('--budget-ms <n>', 'all the look-ups of the package').env('SIGNATURE_PACKAGE_BUDGET_MS').default(20_000).argParser(positive('--budget-ms')))
    .action(async (packageId: string, o: RecheckParsed) => {
      const summary = await signatureRecheck(packageId, { ...o, settings: recheckSettings(o) });
      process.stdout.write(o.json ? `${JSON.stringify(summary, null, 2)}\n` : `${formatRecheck(summary)}\n`);
    });
}
