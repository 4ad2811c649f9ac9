// `npm run bench:signature`: how fast signatures are verified on this machine, and what a large
// attachment costs in memory. Prints one JSON object.
//
// - throughput: verifications per second on one core of a 1 MB PDF with two RSA-2048 signatures
//   (personal and seal), each with its full chain (leaf and intermediate in the CMS, the root a
//   trust anchor) and OCSP answers from an in-process responder, cached after the first
//   verification; next to `openssl speed -seconds 3 rsa2048` (raw RSA-2048 verifications per
//   second, one core), run by this script. BENCH_SECONDS (default 5) sets the measuring time.
// - largeFile: a package with a 100 MB signed PDF (BENCH_LARGE_MB) verified by the
//   cryptographic verifier, its attachment spooled to a file: time and memory growth (heap and
//   buffers; `retained` after forced GCs every 8 MB, `raw` the peak sampled every 5 ms).
//
// `--fuzz` or BENCH_FUZZ=1 runs the fuzz mode instead: BENCH_FUZZ_INPUTS (default 100,000)
// mutated PDFs, CMS and XML-DSig signed packages through the readers and verifiers, in a worker
// watched for hangs, with counts per outcome; BENCH_SEED (default 1) makes a run repeatable.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, webcrypto } from 'node:crypto';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { AttachmentSummary } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { mulberry32 } from '@vdx/directory-import';
import { documentPackage, parseEdxml } from '@vdx/edxml';
import { createSigningHierarchy, type SigningCredential, type SigningHierarchy } from '@vdx/pki';
import { CryptographicVerifier, type VerificationInput } from '@vdx/signature-domain';
import { Fetcher, OcspRevocationSource } from '@vdx/signature-network';
import { byteSourceOf, DEFAULT_LIMITS, InMemoryRevocationSource, readPdfSignatures, ReasonCode, verifyDetachedCms, verifyPdf, verifyXmlSignature, type FileVerdict, type VerificationContext } from '@vdx/signature-validator';
import { exposeGc, largeSignedPackage, MemoryProbe } from '../../libs/signature/domain/src/test-fixtures/large-package';
import { FakeTransport, ocspResponse, ok } from '../../libs/signature/network/src/testing/responders';
import { parseSignedData } from '../../libs/signature/validator/src/cms/signed-data';
import { signDetached } from '../../libs/signature/validator/src/testing/cms-builder';
import { ISSUED_AT, NOW, sandboxContext, sandboxHierarchy, SIGNED_AT } from '../../libs/signature/validator/src/testing/fixtures';
import { largeSignedPdf } from '../../libs/signature/validator/src/testing/large-pdf';
import { minimalPdf, signPdf } from '../../libs/signature/validator/src/testing/pdf-builder';
import { signEnvelopedXml } from '../../libs/signature/validator/src/testing/xml-signer';

const MB = 1024 * 1024;
const log = (l: string): void => {
  process.stderr.write(`[bench] ${l}\n`);
};
const EDXML_PATHS = { signaturePath: ['edXML', 'edXMLEnvelope', 'edXMLHeader', 'Signature'], signedElementPath: ['edXML', 'edXMLEnvelope'] };

// ---------------------------------------------------------------------------------------------
// Throughput: a 1 MB PDF, two signatures, full chain, cached OCSP.

/** A context whose revocation goes through the real OCSP adapter to an in-process responder. */
async function ocspContext(h: SigningHierarchy): Promise<{ ctx: VerificationContext; transport: FakeTransport; source: OcspRevocationSource }> {
  const thisUpdate = new Date(SIGNED_AT.getTime() + 60_000);
  const nextUpdate = new Date(NOW.getTime() + 7 * 86_400_000);
  const leaves = await ocspResponse({ signer: h.ocsp, certs: [h.ocsp], producedAt: thisUpdate, entries: [h.personal, h.organisational].map((cert) => ({ cert, issuer: h.intermediate, status: 'good' as const, thisUpdate, nextUpdate })) });
  const ca = await ocspResponse({ signer: h.root, producedAt: thisUpdate, entries: [{ cert: h.intermediate, issuer: h.root, status: 'good', thisUpdate, nextUpdate }] });
  const transport = new FakeTransport().on('/ocsp', () => ok(leaves, 'application/ocsp-response')).on('/ocsp-ca', () => ok(ca, 'application/ocsp-response'));
  const source = new OcspRevocationSource({ fetcher: new Fetcher({ transport: transport.transport, clock: () => NOW.getTime() }), nonce: false });
  return { ctx: sandboxContext(h, { revocation: source }), transport, source };
}

/** Raw RSA-2048 verifications per second on one core, as `openssl speed` measures them. */
function opensslRsa2048(): { verifyPerSecond: number; signPerSecond: number; version: string } | { error: string } {
  try {
    const out = execFileSync('openssl', ['speed', '-seconds', '3', 'rsa2048'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 });
    const line = /^rsa\s+2048 bits\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)/m.exec(out);
    if (!line) return { error: 'no rsa 2048 line in the output of openssl speed' };
    return { signPerSecond: Number(line[1]), verifyPerSecond: Number(line[2]), version: execFileSync('openssl', ['version'], { encoding: 'utf8' }).trim() };
  } catch (e) {
    return { error: `openssl speed failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Counts WebCrypto signature checks while `run` runs. */
async function countingVerifies<T>(run: () => Promise<T>): Promise<{ result: T; verifies: number }> {
  const subtle = webcrypto.subtle as { verify: (...args: unknown[]) => Promise<boolean> };
  const original = subtle.verify.bind(subtle);
  let verifies = 0;
  subtle.verify = (...args: unknown[]) => {
    verifies++;
    return original(...args);
  };
  try {
    return { result: await run(), verifies };
  } finally {
    subtle.verify = original;
  }
}

async function throughput(): Promise<Record<string, unknown>> {
  const endpoints = { endEntities: { ocsp: ['http://127.0.0.1:9/ocsp'] }, intermediate: { ocsp: ['http://127.0.0.1:9/ocsp-ca'] } };
  const h = await createSigningHierarchy({ keyAlgorithm: 'rsa-2048', now: ISSUED_AT, endpoints });
  const by = (signer: SigningCredential) => (digest: Uint8Array) => signDetached(new Uint8Array(0), { signer, certificates: [signer, h.intermediate], signingTime: SIGNED_AT, messageDigestOverride: digest });
  const streamed = await largeSignedPdf(1 * MB, [
    { field: { fieldName: 'Personal', signingTime: SIGNED_AT, contentsSize: 8192 }, sign: by(h.personal) },
    { field: { fieldName: 'Seal', signingTime: SIGNED_AT, contentsSize: 8192 }, sign: by(h.organisational) },
  ]);
  const pdf = new Uint8Array(Buffer.concat([...streamed.chunks()]));
  const { ctx, transport, source } = await ocspContext(h);
  const first = await verifyPdf(pdf, ctx);
  if (first.status !== 'valid' || first.signatures.length !== 2) throw new Error(`the benchmark PDF does not verify: ${JSON.stringify(first.signatures.map((s) => s.findings.map((f) => f.code)))}`);
  const { verifies } = await countingVerifies(() => verifyPdf(pdf, ctx));
  const seconds = Number(process.env['BENCH_SECONDS'] ?? 5);
  log(`verifying a ${(pdf.length / MB).toFixed(2)} MB PDF with two signatures for ${seconds} s`);
  for (let i = 0; i < 20; i++) await verifyPdf(pdf, ctx); // warm-up
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let n = 0;
  let elapsed = 0;
  while (elapsed < seconds) {
    const v = await verifyPdf(pdf, ctx);
    if (v.status !== 'valid') throw new Error('a verification did not come out valid');
    n++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // The floor: SHA-256 over the file once (the two signatures share their common prefix), no parsing, no signature.
  const hashStart = process.hrtime.bigint();
  let hashes = 0;
  while (Number(process.hrtime.bigint() - hashStart) / 1e9 < 1) {
    createHash('sha256').update(pdf).digest();
    hashes++;
  }
  const hashesPerSecond = hashes / (Number(process.hrtime.bigint() - hashStart) / 1e9);
  log('running openssl speed -seconds 3 rsa2048');
  const raw = opensslRsa2048();
  const perSecond = n / elapsed;
  const perCpuSecond = n / cpuSeconds;
  const rawVerify = 'verifyPerSecond' in raw ? raw.verifyPerSecond : null;
  return {
    pdfBytes: pdf.length,
    signatures: 2,
    keys: 'RSA-2048, PKCS#1 v1.5, SHA-256',
    chain: 'signer and intermediate in the CMS, root as trust anchor',
    revocation: `OCSP (the network adapter, an in-process responder), cached after the first verification: ${transport.requests.length} requests, ${source.cacheHits} cache hits`,
    seconds: +elapsed.toFixed(2),
    verifications: n,
    verificationsPerSecond: Math.round(perSecond),
    cpuSecondsPerSecond: +(cpuSeconds / elapsed).toFixed(2),
    verificationsPerCpuSecond: Math.round(perCpuSecond),
    signatureChecksPerVerification: verifies,
    openssl: raw,
    ratioToRawRsaVerify: rawVerify ? +(perCpuSecond / rawVerify).toFixed(4) : null,
    ratioOfRsaWorkToRaw: rawVerify ? +((perCpuSecond * verifies) / rawVerify).toFixed(4) : null,
    sha256OfThePdfPerSecond: Math.round(hashesPerSecond),
    ratioOfHashingAloneToRaw: rawVerify ? +(hashesPerSecond / rawVerify).toFixed(4) : null,
    goal: 0.3,
  };
}

// ---------------------------------------------------------------------------------------------
// Memory: a 100 MB attachment.

async function largeFile(): Promise<Record<string, unknown>> {
  const megabytes = Number(process.env['BENCH_LARGE_MB'] ?? 100);
  const h = await sandboxHierarchy('rsa-2048');
  log(`building a package around a ${megabytes} MB signed PDF`);
  const large = await largeSignedPackage(h, megabytes * MB);
  const spoolDir = await mkdtemp(join(tmpdir(), 'bench-spool-'));
  try {
    const verifier = new CryptographicVerifier({ context: () => sandboxContext(h, { revocation: new InMemoryRevocationSource('good') }), spoolDir });
    const probe = new MemoryProbe(exposeGc(), 8 * MB);
    const timer = setInterval(() => probe.sample(), 5);
    const started = process.hrtime.bigint();
    const verdict = await verifier.verify(large.input, probe.watch(large.body()));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(timer);
    probe.retained();
    if (!verdict.ok || verdict.cryptographic !== 'valid') throw new Error(`the large package does not verify: ${JSON.stringify(verdict.checks)}`);
    return {
      pdfBytes: large.pdf.length,
      bodyBytes: large.input.ref.bodySize,
      signatures: 2,
      attachment: 'spooled to a file (over SIGNATURE_MAX_VERIFY_MB), digested a megabyte at a time',
      seconds: +seconds.toFixed(2),
      bodyMbPerSecond: +(large.input.ref.bodySize / MB / seconds).toFixed(1),
      retainedGrowthMb: +probe.retainedGrowthMb.toFixed(2),
      rawGrowthMb: +probe.rawGrowthMb.toFixed(2),
    };
  } finally {
    await rm(spoolDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Fuzz mode.

type Target = 'pdf-reader' | 'cms-reader' | 'pdf-verify' | 'cms-verify' | 'xml-verify' | 'package-verify';
const KNOWN: ReadonlySet<string> = new Set([...Object.values(ReasonCode), 'SIGNATURE.BODY_HASH_MISMATCH', 'SIGNATURE.UNREADABLE', 'SIGNATURE.ATTACHMENT_MISMATCH', 'SIGNATURE.MANIFEST_INCONSISTENT', 'SIGNATURE.CRYPTOGRAPHIC_INVALID', 'SIGNATURE.CRYPTOGRAPHIC_INDETERMINATE', 'SIGNATURE.UNSIGNED']);
const SHARES: readonly [Target, number][] = [
  ['pdf-reader', 0.5],
  ['cms-reader', 0.3],
  ['xml-verify', 0.15],
  ['pdf-verify', 0.02],
  ['cms-verify', 0.02],
  ['package-verify', 0.01],
];
const BUDGET_MS = 2000;


const TOKENS = [
  '/ByteRange', '[0 10 20 30]', '/Contents <', '>', '<<', '>>', 'endobj', '%%EOF', '/Type /Sig', '/SubFilter /ETSI.CAdES.detached', ' 0 R', '\\', '(', ')',
  '<!DOCTYPE a [<!ENTITY x "xx">]>', '&x;', '&#0;', '&#x10FFFF;', '<!--', '-->', '<![CDATA[', ']]>', '<?pi x?>', ' Id="_0"', ' URI="#_0"', ' xmlns="urn:x"', 'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"',
  '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">', '</Signature>', '<Reference URI="">', '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xslt-19991116"/>', '<X509Certificate>MIIB</X509Certificate>', '<a>', '</a>', '<', '"', "'", '=',
];

/** One random change: a flipped byte, an inserted byte or token, a deletion, a cut, a duplicated or repeated run. */
function mutate(bytes: Uint8Array, rand: () => number): Uint8Array {
  const at = Math.floor(rand() * bytes.length);
  const pick = rand();
  if (pick < 0.3) {
    const out = new Uint8Array(bytes);
    out[at] = (out[at] ?? 0) ^ (1 + Math.floor(rand() * 255));
    return out;
  }
  if (pick < 0.45) return Buffer.concat([bytes.subarray(0, at), Buffer.from([Math.floor(rand() * 256)]), bytes.subarray(at)]);
  if (pick < 0.6) return Buffer.concat([bytes.subarray(0, at), Buffer.from(TOKENS[Math.floor(rand() * TOKENS.length)] ?? '', 'latin1'), bytes.subarray(at)]);
  if (pick < 0.72) return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + 1 + Math.floor(rand() * 64)))]);
  if (pick < 0.8) return bytes.subarray(0, at);
  if (pick < 0.9) {
    const len = 1 + Math.floor(rand() * 256);
    const run = bytes.subarray(at, at + len);
    return Buffer.concat([bytes.subarray(0, at), ...Array.from({ length: 1 + Math.floor(rand() * 50) }, () => run), bytes.subarray(at)]);
  }
  const out = new Uint8Array(bytes);
  for (let i = 0; i < 8; i++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
  return out;
}

interface TargetStats {
  inputs: number;
  outcomes: Record<string, number>;
  codes: Record<string, number>;
  maxMs: number;
  overBudget: number;
  totalMs: number;
}

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

function covers(range: readonly [number, number, number, number], at: number): boolean {
  const [a, b, c, d] = range;
  return at >= 0 && ((at >= a && at < a + b) || (at >= c && at < c + d));
}

/**
 * Whether byte `at` of a signed edXML document is in a part no reference signs: the XML
 * declaration, KeyInfo, and for a signature over the envelope alone, everything outside the
 * envelope (the attachments, which their own signatures and the integrity check cover, and the
 * root's white space around it).
 */
function unsignedPlace(xml: Buffer, at: number): boolean {
  const keyInfo = xml.indexOf('<KeyInfo>');
  const root = xml.indexOf('<edXML:edXML');
  const envelopeOnly = xml.includes('URI="#');
  const envelopeStart = xml.indexOf('<edXML:edXMLEnvelope');
  const envelopeEnd = xml.indexOf('</edXML:edXMLEnvelope>') + '</edXML:edXMLEnvelope>'.length;
  return at < root || (keyInfo >= 0 && at >= keyInfo && at < xml.indexOf('</KeyInfo>') + '</KeyInfo>'.length) || (envelopeOnly && (at < envelopeStart || at >= envelopeEnd));
}

function codesOf(v: FileVerdict): string[] {
  return [...v.findings, ...v.signatures.flatMap((s) => s.findings)].map((f) => f.code);
}

async function fuzzWorker(opts: { inputs: number; seed: number; progress: Int32Array }): Promise<Record<string, unknown>> {
  const rand = mulberry32(opts.seed);
  const h = await sandboxHierarchy('ecdsa-p256');
  const ctx = sandboxContext(h);
  const by = (signer: SigningCredential) => ({ signer, certificates: [signer, h.intermediate], signingTime: SIGNED_AT });
  let pdf = await signPdf(minimalPdf(), { fieldName: 'Personal', contentsSize: 4096 }, (c) => signDetached(c, by(h.personal)));
  pdf = await signPdf(pdf, { fieldName: 'Seal', contentsSize: 4096 }, (c) => signDetached(c, by(h.organisational)));
  const content = new Uint8Array(Buffer.from('Phu luc: danh sach'));
  const p7s = await signDetached(content, by(h.organisational));
  const envelope = documentPackage({ from: '000.00.00.H53', to: ['000.00.00.G22'], codeNumber: '1', codeNotation: 'UBND', subject: 'Công văn', promulgationDate: '2026/03/01', attachments: [{ name: 'cong-van.pdf', bytes: pdf }] }).xml;
  const signedXml = Buffer.from(signEnvelopedXml(envelope, { signer: h.organisational, chain: [h.intermediate] }));
  const signedByIdXml = Buffer.from(signEnvelopedXml(envelope, { signer: h.organisational, chain: [h.intermediate], reference: 'envelope', canonicalization: 'inclusive' }));
  const verifier = new CryptographicVerifier({ context: () => ctx, maxBytesInMemory: 8 * MB });
  const seeds = { pdf, p7s, xml: [signedXml, signedByIdXml] };
  const check = {
    pdf: (await verifyPdf(pdf, ctx)).status,
    cms: (await verifyDetachedCms(content, p7s, ctx)).status,
    xml: (await verifyXmlSignature(signedXml, ctx, EDXML_PATHS)).status,
    xmlById: (await verifyXmlSignature(signedByIdXml, ctx, EDXML_PATHS)).status,
  };
  if (Object.values(check).some((s) => s !== 'valid')) throw new Error(`the fuzz seeds do not verify: ${JSON.stringify(check)}`);

  const stats = new Map<Target, TargetStats>(SHARES.map(([t]) => [t, { inputs: 0, outcomes: {}, codes: {}, maxMs: 0, overBudget: 0, totalMs: 0 }]));
  const failures: { target: Target; input: number; problem: string }[] = [];
  const count = (o: Record<string, number>, k: string): void => {
    o[k] = (o[k] ?? 0) + 1;
  };
  const schedule: Target[] = [];
  for (const [t, share] of SHARES) for (let i = 0; i < Math.round(share * opts.inputs); i++) schedule.push(t);
  while (schedule.length < opts.inputs) schedule.push('pdf-reader');
  // Interleaved, so a slow target does not all come at the end.
  for (let i = schedule.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [schedule[i], schedule[j]] = [schedule[j] as Target, schedule[i] as Target];
  }

  const started = Date.now();
  for (const [i, target] of schedule.entries()) {
    const s = stats.get(target) as TargetStats;
    const t0 = process.hrtime.bigint();
    let outcome: string;
    let found: string[] = [];
    try {
      switch (target) {
        case 'pdf-reader': {
          const bytes = rand() < 0.1 ? new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(Array.from({ length: Math.floor(rand() * 2048) }, () => Math.floor(rand() * 256)))])) : mutate(mutate(seeds.pdf, rand), rand);
          const scan = readPdfSignatures(byteSourceOf(bytes), DEFAULT_LIMITS);
          found = [...scan.findings, ...scan.signatures.flatMap((d) => d.findings)].map((f) => f.code);
          outcome = `${scan.signatures.length === 2 ? 'two' : scan.signatures.length === 0 ? 'no' : 'other'}-dictionaries`;
          break;
        }
        case 'cms-reader': {
          const r = parseSignedData(rand() < 0.1 ? new Uint8Array(Array.from({ length: Math.floor(rand() * 1024) }, () => Math.floor(rand() * 256))) : mutate(seeds.p7s, rand), DEFAULT_LIMITS, 'signature');
          outcome = r.ok ? 'read' : 'refused';
          found = r.findings.map((f) => f.code);
          if (!r.ok && r.findings.length === 0) outcome = 'refused-without-code';
          break;
        }
        case 'pdf-verify': {
          const bytes = mutate(seeds.pdf, rand);
          const v = await verifyPdf(bytes, ctx);
          outcome = v.status;
          found = codesOf(v);
          // A signature that stays valid must not cover a changed byte.
          const at = bytes.length === seeds.pdf.length ? firstDifference(bytes, seeds.pdf) : -1;
          const covering = v.signatures.find((sig) => sig.status === 'valid' && sig.pdf?.byteRange && covers(sig.pdf.byteRange, at));
          if (covering) {
            outcome = 'valid-over-a-changed-byte';
            if (failures.length < 20) failures.push({ target, input: i, problem: `byte ${at} changed inside a valid signature's byte range` });
          }
          break;
        }
        case 'cms-verify': {
          const v = await verifyDetachedCms(content, mutate(seeds.p7s, rand), ctx);
          outcome = v.status;
          found = codesOf(v);
          break;
        }
        case 'xml-verify': {
          const seed = seeds.xml[rand() < 0.5 ? 0 : 1] as Buffer;
          const bytes = rand() < 0.3 ? mutate(mutate(seed, rand), rand) : mutate(seed, rand);
          const v = await verifyXmlSignature(bytes, ctx, EDXML_PATHS);
          outcome = v.status;
          found = codesOf(v);
          // One byte changed and still valid: only where nothing is signed (KeyInfo, the XML declaration).
          const at = v.status === 'valid' && bytes.length === seed.length ? firstDifference(bytes, seed) : -1;
          if (at >= 0 && !unsignedPlace(seed, at)) {
            outcome = 'valid-over-a-changed-byte';
            if (failures.length < 20) failures.push({ target, input: i, problem: `byte ${at} changed outside KeyInfo and the XML declaration, still valid` });
          }
          break;
        }
        case 'package-verify': {
          const body = Buffer.from(mutate(seeds.xml[0] as Buffer, rand));
          const v = await verifier.verify(acceptedAs(body), (async function* () {
            yield body;
          })());
          outcome = v.ok ? `ok:${v.cryptographic}` : `refused:${v.errorCode}`;
          found = v.ok ? [] : [v.errorCode];
          break;
        }
      }
    } catch (e) {
      outcome = 'uncaught';
      if (failures.length < 20) failures.push({ target, input: i, problem: e instanceof Error ? `${e.name}: ${e.message}`.slice(0, 300) : String(e) });
    }
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    s.inputs++;
    s.totalMs += ms;
    s.maxMs = Math.max(s.maxMs, ms);
    if (ms > BUDGET_MS) s.overBudget++;
    count(s.outcomes, outcome);
    for (const c of new Set(found)) {
      count(s.codes, c);
      if (!KNOWN.has(c)) {
        count(s.outcomes, 'unknown-code');
        if (failures.length < 20) failures.push({ target, input: i, problem: `unknown code ${c}` });
      }
    }
    Atomics.store(opts.progress, 0, i + 1);
    if ((i + 1) % 10_000 === 0) log(`fuzz: ${i + 1} inputs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const perTarget = Object.fromEntries(
    [...stats].map(([t, s]) => [t, { inputs: s.inputs, outcomes: s.outcomes, maxMs: +s.maxMs.toFixed(1), meanMs: +(s.totalMs / Math.max(1, s.inputs)).toFixed(3), overBudget: s.overBudget, topCodes: Object.fromEntries(Object.entries(s.codes).sort((a, b) => b[1] - a[1]).slice(0, 8)) }]),
  );
  const all = [...stats.values()];
  return {
    seed: opts.seed,
    inputs: all.reduce((n, s) => n + s.inputs, 0),
    seconds: +((Date.now() - started) / 1000).toFixed(1),
    budgetMsPerInput: BUDGET_MS,
    uncaught: all.reduce((n, s) => n + (s.outcomes['uncaught'] ?? 0), 0),
    validOverAChangedByte: all.reduce((n, s) => n + (s.outcomes['valid-over-a-changed-byte'] ?? 0), 0),
    unknownCodes: all.reduce((n, s) => n + (s.outcomes['unknown-code'] ?? 0), 0),
    overBudget: all.reduce((n, s) => n + s.overBudget, 0),
    perTarget,
    failures,
  };
}

/** What the gateway would have recorded for a body, or a minimal record when it does not parse. */
function acceptedAs(body: Buffer): VerificationInput {
  let attachments: AttachmentSummary[] = [];
  let kind: 'edoc' | 'status' = 'edoc';
  try {
    const parsed = parseEdxml(body).package;
    kind = parsed.kind;
    attachments = parsed.attachments.map((a) => ({ contentId: a.contentId ?? null, name: a.attachmentName ?? null, contentType: a.contentType ?? null, size: a.size, sha256: a.sha256 }));
  } catch {
    // an unreadable body: the verifier says SIGNATURE.UNREADABLE
  }
  const ref = packageRefWith({ packageId: 'fuzz', kind, senderCode: '000.00.00.H53', systemId: 's', recipientCodes: ['000.00.00.G22'], bodySha256: createHash('sha256').update(body).digest('hex'), bodySize: body.length, acceptedAt: '2026-03-02T02:00:00.000Z' });
  return { ref, attachments };
}

/** Runs the fuzz mode in a worker; a worker that stops making progress for 60 s is a hang, and is ended. */
async function fuzz(): Promise<Record<string, unknown>> {
  const inputs = Number(process.env['BENCH_FUZZ_INPUTS'] ?? 100_000);
  const seed = Number(process.env['BENCH_SEED'] ?? 1);
  const progress = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(__filename, { workerData: { fuzz: { inputs, seed, progress } } });
  return new Promise((resolve, reject) => {
    let last = -1;
    let stalledSince = Date.now();
    const watch = setInterval(() => {
      const now = Atomics.load(progress, 0);
      if (now !== last) {
        last = now;
        stalledSince = Date.now();
      } else if (Date.now() - stalledSince > 60_000) {
        clearInterval(watch);
        void worker.terminate();
        resolve({ seed, inputs, hang: { afterInput: now, stalledSeconds: 60 } });
      }
    }, 1000);
    worker.once('message', (m: Record<string, unknown>) => {
      clearInterval(watch);
      resolve({ ...m, hangs: 0 });
    });
    worker.once('error', (e) => {
      clearInterval(watch);
      reject(e);
    });
  });
}

async function main(): Promise<void> {
  const fuzzMode = process.argv.includes('--fuzz') || process.env['BENCH_FUZZ'] === '1';
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version };
  if (fuzzMode) {
    process.stdout.write(`${JSON.stringify({ mode: 'fuzz', machine, fuzz: await fuzz() })}\n`);
    return;
  }
  const t = await throughput();
  const l = await largeFile();
  process.stdout.write(`${JSON.stringify({ mode: 'benchmark', machine, throughput: t, largeFile: l })}\n`);
}

if (isMainThread) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
} else {
  const data = workerData as { fuzz: { inputs: number; seed: number; progress: Int32Array } };
  fuzzWorker(data.fuzz).then(
    (result) => parentPort?.postMessage(result),
    (err: unknown) => {
      throw err;
    },
  );
}
