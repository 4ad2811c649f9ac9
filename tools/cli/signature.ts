// `vdx signature report <packageId>` and `vdx signature recheck <packageId>`: a package's
// signature evidence record, found through its SignatureVerified (or SignatureRejected) event,
// and a new validation of a package whose verdict was indeterminate.
import { existsSync } from 'node:fs';
import { openBlobStore, type BlobStore } from '@vdx/blob-store';
import { EventCodec, PackageAcceptedEvent, SignatureRejectedEvent, SignatureVerifiedEvent, catalogue, eventTopic, isEvent, withLanes, type EventEnvelope, type PackageAccepted, type VerificationCheck } from '@vdx/contracts';
import { CodedError } from '@vdx/contracts/errors';
import { readLogFromStart } from '@vdx/messaging';
import { filesOf, readEvidenceRecord, verdictOutline, type EvidenceRecord, type Verdict } from '@vdx/signature-domain';
import { packageRefOf, REFUSABLE_STATUSES, revalidatePackage, type CryptographicSettings } from '@vdx/signature-feature';
import { Option, type Command } from 'commander';
import { MongoClient } from 'mongodb';

/** Coded refusals of the signature commands. */
export class SignatureCommandError extends CodedError<'SIGNATURE.VERDICT_NOT_FOUND' | 'SIGNATURE.NO_EVIDENCE' | 'SIGNATURE.NOT_INDETERMINATE' | 'SIGNATURE.ACCEPTANCE_NOT_FOUND' | 'SIGNATURE.BAD_OPTION'> {
  override readonly name = 'SignatureCommandError';
  constructor(code: 'SIGNATURE.VERDICT_NOT_FOUND' | 'SIGNATURE.NO_EVIDENCE' | 'SIGNATURE.NOT_INDETERMINATE' | 'SIGNATURE.ACCEPTANCE_NOT_FOUND' | 'SIGNATURE.BAD_OPTION', message: string) {
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

/** The verdict event of a package, as the signature service recorded it. */
export interface RecordedVerdict {
  readonly eventId: string;
  /** The `PackageAccepted` it decided. */
  readonly causationId: string | null;
  readonly type: 'SignatureVerified' | 'SignatureRejected';
  readonly occurredAt: string;
  readonly verifier: string;
  /** `valid`, `invalid`, `unknown`, `unsigned`, `not-performed`; empty for a refusal. */
  readonly cryptographic: string;
  readonly errorCode: string;
  readonly checks: readonly VerificationCheck[];
  /** The blob of the evidence record (hex), when one was kept. */
  readonly evidence: string | null;
}

/** Reads `topics` from the start and keeps the events `pick` returns something for. */
async function scan<T>(brokers: string, topics: readonly string[], pick: (e: EventEnvelope) => T | undefined): Promise<T[]> {
  const codec = new EventCodec(catalogue);
  const found: T[] = [];
  await readLogFromStart({ brokers, clientId: 'vdx-cli-signature' }, withLanes(topics), async (records) => {
    for (const r of records) {
      if (!r.value) continue;
      const hit = pick(codec.decode(r.value, r.headers));
      if (hit !== undefined) found.push(hit);
    }
  });
  return found;
}

const evidenceOf = (checks: readonly VerificationCheck[]): string | null => {
  const detail = checks.find((c) => c.name === 'evidence' && c.result === 'passed')?.detail ?? '';
  return /^sha256:[0-9a-f]{64}$/.test(detail) ? detail.slice('sha256:'.length) : null;
};

/** The verdict the signature service recorded for the package (the first, if the gateway appended it twice). */
export async function findVerdict(packageId: string, o: Pick<SignatureStoreOptions, 'brokers' | 'signatureTopic'>): Promise<RecordedVerdict> {
  const verdicts = await scan(o.brokers, [o.signatureTopic], (e): RecordedVerdict | undefined => {
    if (isEvent(SignatureVerifiedEvent, e) && e.payload.package.packageId === packageId) {
      const p = e.payload;
      return { eventId: e.eventId, causationId: e.causationId, type: 'SignatureVerified', occurredAt: e.occurredAt, verifier: p.verifier, cryptographic: p.cryptographic, errorCode: '', checks: p.checks, evidence: evidenceOf(p.checks) };
    }
    if (isEvent(SignatureRejectedEvent, e) && e.payload.package.packageId === packageId) {
      const p = e.payload;
      return { eventId: e.eventId, causationId: e.causationId, type: 'SignatureRejected', occurredAt: e.occurredAt, verifier: p.verifier, cryptographic: '', errorCode: p.errorCode, checks: p.checks, evidence: evidenceOf(p.checks) };
    }
    return undefined;
  });
  const first = verdicts.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))[0];
  if (!first) throw new SignatureCommandError('SIGNATURE.VERDICT_NOT_FOUND', `no SignatureVerified or SignatureRejected event for package ${packageId} in ${o.signatureTopic}`);
  return first;
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

/** A package's verdict event and its evidence record, read back from the blob store. */
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
  /** From the package's own evidence record, no network (checks the record rather than the package's current status). */
  readonly offline: boolean;
  /** Also re-check a package whose verdict was not indeterminate. */
  readonly any: boolean;
}

export interface RecheckSummary {
  readonly packageId: string;
  readonly recorded: RecordedVerdict;
  readonly from: 'network' | 'evidence';
  readonly validatedAt: string;
  readonly verdict: Verdict;
  readonly outline: ReturnType<typeof verdictOutline> | null;
  /** Always false: recheck appends no event; the recorded verdict stays the package's verdict. */
  readonly appended: false;
}

const indeterminate = (v: RecordedVerdict): boolean => v.cryptographic === 'unknown' || v.errorCode === 'SIGNATURE.CRYPTOGRAPHIC_INDETERMINATE';

/**
 * Re-validates a package: finds its verdict and its `PackageAccepted`, then runs the
 * cryptographic verifier again over the stored body, with the network as it answers now (or,
 * `offline`, only the answers its evidence record holds, at the recorded time). Refuses a
 * package whose verdict was not indeterminate unless `any`. Prints; appends nothing.
 */
export async function signatureRecheck(packageId: string, o: RecheckOptions): Promise<RecheckSummary> {
  const recorded = await findVerdict(packageId, o);
  if (!o.any && !o.offline && !indeterminate(recorded)) {
    throw new SignatureCommandError('SIGNATURE.NOT_INDETERMINATE', `the verdict of ${packageId} is ${recorded.cryptographic || recorded.errorCode}, not indeterminate (--any re-checks it anyway)`);
  }
  const accepted = await scan(o.brokers, [o.gatewayTopic], (e) => (isEvent(PackageAcceptedEvent, e) && e.payload.packageId === packageId ? (e as EventEnvelope<PackageAccepted>) : undefined));
  const acceptance = accepted.find((e) => e.eventId === recorded.causationId) ?? accepted[0];
  if (!acceptance) throw new SignatureCommandError('SIGNATURE.ACCEPTANCE_NOT_FOUND', `no PackageAccepted event for package ${packageId} in ${o.gatewayTopic}`);
  const input = { ref: packageRefOf(acceptance), attachments: acceptance.payload.attachments };
  return withStore(o, async (blobs) => {
    let from: Parameters<typeof revalidatePackage>[0]['from'] = { kind: 'network' };
    if (o.offline) {
      if (!recorded.evidence) throw new SignatureCommandError('SIGNATURE.NO_EVIDENCE', `the verdict of ${packageId} names no evidence record to re-validate from`);
      from = { kind: 'evidence', record: readEvidenceRecord(await readBlob(blobs, recorded.evidence)) };
    }
    const outcome = await revalidatePackage({ blobs, input, settings: o.settings, from });
    return { packageId, recorded, from: from.kind, validatedAt: outcome.validatedAt.toISOString(), verdict: outcome.verdict, outline: outcome.record ? verdictOutline(outcome.record.verdict) : null, appended: false as const };
  });
}

/** The recheck, readably: the recorded verdict, the new one, each file and signature with its codes. */
export function formatRecheck(s: RecheckSummary): string {
  const now = s.verdict.ok ? s.verdict.cryptographic : `refused ${s.verdict.errorCode}`;
  const lines = [
    `package ${s.packageId}: recorded ${s.recorded.cryptographic || s.recorded.errorCode} (${s.recorded.occurredAt}); now ${now} (${s.from === 'network' ? 'network' : 'evidence record, offline'}, validated at ${s.validatedAt})`,
  ];
  for (const f of s.outline?.files ?? []) {
    lines.push(`  ${f.name}: ${f.status}${f.codes.length ? ` [${f.codes.join(', ')}]` : ''}`);
    for (const sig of f.signatures) lines.push(`    ${sig.kind} ${sig.signer}: ${sig.status}${sig.codes.length ? ` [${sig.codes.join(', ')}]` : ''}`);
  }
  lines.push('  no event appended: the recorded verdict stands; send the package again for a new one');
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
}

/** The verifier settings of the recheck options; `SIGNATURE.BAD_OPTION` for a missing bundle or an unknown status. */
export function recheckSettings(o: Omit<RecheckParsed, keyof CommonParsed>): CryptographicSettings {
  if (!o.trustAnchors) throw new SignatureCommandError('SIGNATURE.BAD_OPTION', '--trust-anchors (or SIGNATURE_TRUST_ANCHORS_PATH) is required');
  const refuse = list(o.refuse);
  const unknown = refuse.filter((r) => !(REFUSABLE_STATUSES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new SignatureCommandError('SIGNATURE.BAD_OPTION', `--refuse: unknown status ${unknown.join(', ')} (${REFUSABLE_STATUSES.join(', ')})`);
  return {
    mode: 'cryptographic',
    trustAnchorsPath: o.trustAnchors,
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
  storeOptions(signature.command('report').description("print a package's evidence record (found through its SignatureVerified event)").argument('<packageId>', 'the package'))
    .action(async (packageId: string, o: CommonParsed) => {
      const report = await signatureReport(packageId, o);
      process.stdout.write(o.json ? `${JSON.stringify(report.raw, null, 2)}\n` : `${formatEvidence(report.record, report.verdict)}\n`);
    });
  storeOptions(
    signature
      .command('recheck')
      .description('re-validate an indeterminate package with the network as it answers now, and print the new verdict (no event is appended)')
      .argument('<packageId>', 'the package'),
  )
    .option('--offline', 'from the package\'s evidence record only, at the recorded time (any verdict): proves the record', false)
    .option('--any', 'also re-check a package whose verdict was not indeterminate', false)
    .addOption(new Option('--trust-anchors <file>', 'PEM bundle of trust anchors').env('SIGNATURE_TRUST_ANCHORS_PATH'))
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
