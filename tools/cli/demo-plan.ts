// The plan of `vdx demo traffic`: which agency sends what to whom, in which office-hour burst,
// which copies are left late, which sends are refused and which statuses come back. Pure: the
// same options and seed give the same plan, and the bodies are built from it without I/O.
import { CodedError, type ErrorCodeOf } from '@vdx/contracts/errors';
import { documentPackage, statusPackage, writePackage, type EdocPackage } from '@vdx/edxml';

/** What the demo command refuses or fails with (`ERROR_CODES.DEMO` of the error catalogue). */
export type DemoErrorCode = ErrorCodeOf<'DEMO'>;

export class DemoError extends CodedError<DemoErrorCode> {
  override readonly name = 'DemoError';
  constructor(code: DemoErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(code, message, options);
  }
}

/** An agency of the demo directory, and the connected system that serves it. */
export interface DemoAgency {
  readonly code: string;
  readonly name: string;
  readonly kind: 'ministry' | 'province' | 'unit';
  /** Its own connected system, or null when its hub (an ancestor) serves it. */
  readonly systemId: string | null;
  /** The system that sends and receives for it: its own, else its hub's. */
  readonly servedBy: string;
  /** Short notation of its documents (`<number>/<notation>`). */
  readonly notation: string;
}

const agency = (code: string, name: string, kind: DemoAgency['kind'], systemId: string | null, servedBy: string, notation: string): DemoAgency => ({ code, name, kind, systemId, servedBy, notation });

/**
 * The demo's directory: the Government Office, three ministries, four provinces and units
 * below them, some served by their hub, one with a system of its own. Parents come before
 * their units (the order they are registered in). The Government Office, Tây Ninh and its
 * finance department are the agencies `npm start` seeds, with the same systems.
 */
export const DEMO_TRAFFIC_AGENCIES: readonly DemoAgency[] = [
  agency('000.00.00.G22', 'Văn phòng Chính phủ', 'ministry', 'demo-vpcp', 'demo-vpcp', 'VPCP'),
  agency('000.00.00.G09', 'Bộ Nội vụ', 'ministry', 'demo-bnv', 'demo-bnv', 'BNV'),
  agency('000.00.00.G12', 'Bộ Tài chính', 'ministry', 'demo-btc', 'demo-btc', 'BTC'),
  agency('000.00.18.G12', 'Cục Quản lý công sản, Bộ Tài chính', 'unit', null, 'demo-btc', 'QLCS'),
  agency('000.00.00.G15', 'Bộ Y tế', 'ministry', 'demo-byt', 'demo-byt', 'BYT'),
  agency('000.00.00.H01', 'UBND thành phố Hà Nội', 'province', 'demo-hanoi', 'demo-hanoi', 'UBND'),
  agency('000.00.05.H01', 'Sở Nội vụ thành phố Hà Nội', 'unit', null, 'demo-hanoi', 'SNV'),
  agency('000.00.00.H40', 'UBND Thành phố Hồ Chí Minh', 'province', 'demo-hcm', 'demo-hcm', 'UBND'),
  agency('000.00.32.H40', 'Sở Tài chính Thành phố Hồ Chí Minh', 'unit', 'demo-hcm-stc', 'demo-hcm-stc', 'STC'),
  agency('000.00.00.H41', 'UBND tỉnh Khánh Hòa', 'province', 'demo-khanhhoa', 'demo-khanhhoa', 'UBND'),
  agency('000.00.00.H53', 'UBND tỉnh Tây Ninh', 'province', 'demo-tayninh', 'demo-tayninh', 'UBND'),
  agency('000.00.01.H53', 'Văn phòng UBND tỉnh Tây Ninh', 'unit', null, 'demo-tayninh', 'VP'),
  agency('000.00.32.H53', 'Sở Tài chính tỉnh Tây Ninh', 'unit', null, 'demo-tayninh', 'STC'),
];

/** The connected systems of the demo, with the agency each is connected to. */
export const DEMO_SYSTEMS: readonly { readonly systemId: string; readonly code: string }[] = DEMO_TRAFFIC_AGENCIES.filter((a) => a.systemId !== null).map((a) => ({ systemId: a.systemId!, code: a.code }));

const BY_CODE = new Map(DEMO_TRAFFIC_AGENCIES.map((a) => [a.code, a]));

/** The demo agency of a code. Every code a plan uses is one of them: another is a bug of the demo, a plain `Error`. */
export function demoAgency(code: string): DemoAgency {
  const found = BY_CODE.get(code);
  if (!found) throw new Error(`${code} is not an agency of the demo directory`);
  return found;
}

/** Office hours of the pattern (Vietnam time) and their weights: peaks at 9–10 and 14–15, the lunch break empty. */
export const OFFICE_HOURS: readonly { readonly hour: number; readonly weight: number }[] = [
  { hour: 8, weight: 6 },
  { hour: 9, weight: 14 },
  { hour: 10, weight: 12 },
  { hour: 11, weight: 7 },
  { hour: 13, weight: 4 },
  { hour: 14, weight: 13 },
  { hour: 15, weight: 11 },
  { hour: 16, weight: 6 },
];

/**
 * The statuses a recipient sends back for a copy it took in, and their weights: most say it
 * arrived (01) and was registered (03) the same day; fewer get as far as done (06) in a day.
 */
export const STATUS_SEQUENCES: readonly { readonly codes: readonly string[]; readonly weight: number }[] = [
  { codes: ['01'], weight: 30 },
  { codes: ['01', '03'], weight: 30 },
  { codes: ['01', '03', '04'], weight: 12 },
  { codes: ['01', '03', '04', '05'], weight: 8 },
  { codes: ['01', '03', '04', '05', '06'], weight: 12 },
  { codes: ['01', '02'], weight: 8 },
];

/** The refusals the demo provokes, each a bad package the gateway records as `PackageRejected` with this code. */
export const REFUSAL_CODES = ['EDXML.MALFORMED_XML', 'EXCHANGE.NO_RECIPIENTS', 'EXCHANGE.SENDER_MISMATCH', 'EXCHANGE.INVALID_PACKAGE', 'EXCHANGE.KIND_MISMATCH'] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

/** Documents per day of the pattern when `documents` is not given. */
export const DOCUMENTS_PER_DAY = 24;
export const MAX_DAYS = 30;
export const MAX_DOCUMENTS = 5000;

export interface TrafficOptions {
  /** Working days of pattern compressed into the run (1–30). */
  readonly days: number;
  /** Documents in all (1–5000); default {@link DOCUMENTS_PER_DAY} per day. */
  readonly documents?: number;
  /** Seed of the pseudo-random choices (a whole number). */
  readonly seed: number;
  /** Share of the copies left unfetched, with no status (0–1, default 0.1). */
  readonly lateShare?: number;
  /** Refused sends, as a share of the documents, on top of them (0–1, default 0.1). */
  readonly refusedShare?: number;
  /** Share of the documents carrying a signature block no certificate vouches for (0–1, default 0.15). */
  readonly invalidSignatureShare?: number;
  /** Share of the documents sent urgent, priority 1–3 (0–1, default 0.1). */
  readonly urgentShare?: number;
  /** Share of the copies taken in that are acknowledged `fail`, with no status (0–1, default 0.05). */
  readonly failedShare?: number;
}

/** What becomes of one recipient's copy. */
export type CopyFate = 'taken-in' | 'failed' | 'late';

export interface PlannedCopy {
  readonly recipient: string;
  /** The system that reads the recipient's inbox (its own or its hub's). */
  readonly system: string;
  readonly fate: CopyFate;
  /** Statuses sent back after the fetch, in order (none for a late or failed copy). */
  readonly statuses: readonly string[];
}

export interface PlannedDocument {
  readonly type: 'document';
  /** 1-based position among all sends of the plan. */
  readonly seq: number;
  /** 1-based day of the pattern and office hour (Vietnam time) of its burst. */
  readonly day: number;
  readonly hour: number;
  readonly sender: string;
  readonly system: string;
  readonly recipients: readonly string[];
  /** edXML priority: 0 normal, 1–3 urgent. */
  readonly priority: '0' | '1' | '2' | '3';
  /** `none`: no signature block (unsigned); `invalid`: a signature block no certificate vouches for. */
  readonly signature: 'none' | 'invalid';
  readonly subject: string;
  readonly copies: readonly PlannedCopy[];
}

export interface PlannedRefusal {
  readonly type: 'refusal';
  readonly seq: number;
  readonly day: number;
  readonly hour: number;
  readonly sender: string;
  readonly system: string;
  /** The code the gateway answers with. */
  readonly code: RefusalCode;
}

export type PlannedSend = PlannedDocument | PlannedRefusal;

export interface Burst {
  readonly day: number;
  readonly hour: number;
  readonly sends: readonly PlannedSend[];
}

export interface TrafficPlan {
  readonly days: number;
  readonly seed: number;
  /** In send order: by day, then hour. */
  readonly bursts: readonly Burst[];
  readonly documents: readonly PlannedDocument[];
  readonly refusals: readonly PlannedRefusal[];
  readonly totals: {
    readonly documents: number;
    readonly refusals: number;
    readonly copies: number;
    readonly late: number;
    readonly failed: number;
    readonly takenIn: number;
    readonly statuses: number;
    readonly urgent: number;
    readonly invalidSignature: number;
    readonly unsigned: number;
  };
}

/** mulberry32: a small, fast, seeded generator; good enough to pick a demo's mix. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function weighted<T extends { readonly weight: number }>(random: () => number, items: readonly T[]): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = random() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1]!;
}

function shuffled<T>(random: () => number, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** How many of `n` a share picks: rounded, and at least one when the share is above zero and there is something to pick. */
export function shareOf(n: number, share: number): number {
  if (share <= 0 || n === 0) return 0;
  return Math.min(n, Math.max(1, Math.round(n * share)));
}

const share = (name: string, value: number | undefined, fallback: number): number => {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || v > 1) throw new DemoError('DEMO.BAD_ARGUMENTS', `${name} must be a share from 0 to 1 (got ${String(value)})`, { path: name });
  return v;
};

/** Checks the options and fills in the defaults; every bad value is `DEMO.BAD_ARGUMENTS` naming the option. */
export function resolveOptions(o: TrafficOptions): Required<TrafficOptions> {
  if (!Number.isInteger(o.days) || o.days < 1 || o.days > MAX_DAYS) throw new DemoError('DEMO.BAD_ARGUMENTS', `days must be a whole number from 1 to ${MAX_DAYS} (got ${String(o.days)})`, { path: 'days' });
  const documents = o.documents ?? Math.min(MAX_DOCUMENTS, DOCUMENTS_PER_DAY * o.days);
  if (!Number.isInteger(documents) || documents < 1 || documents > MAX_DOCUMENTS) {
    throw new DemoError('DEMO.BAD_ARGUMENTS', `documents must be a whole number from 1 to ${MAX_DOCUMENTS} (got ${String(o.documents)})`, { path: 'documents' });
  }
  if (!Number.isSafeInteger(o.seed)) throw new DemoError('DEMO.BAD_ARGUMENTS', `seed must be a whole number (got ${String(o.seed)})`, { path: 'seed' });
  return {
    days: o.days,
    documents,
    seed: o.seed,
    lateShare: share('lateShare', o.lateShare, 0.1),
    refusedShare: share('refusedShare', o.refusedShare, 0.1),
    invalidSignatureShare: share('invalidSignatureShare', o.invalidSignatureShare, 0.15),
    urgentShare: share('urgentShare', o.urgentShare, 0.1),
    failedShare: share('failedShare', o.failedShare, 0.05),
  };
}

const SUBJECTS = [
  'Về việc triển khai kế hoạch cải cách hành chính năm',
  'Về việc báo cáo tình hình kinh tế - xã hội tháng',
  'Về việc góp ý dự thảo nghị định',
  'Về việc tăng cường công tác phòng, chống thiên tai',
  'Về việc thực hiện chế độ báo cáo thống kê',
  'Về việc tổ chức hội nghị trực tuyến',
  'Về việc đôn đốc giải ngân vốn đầu tư công',
  'Về việc chuyển đổi số trong cơ quan nhà nước',
];

/**
 * Senders by kind: the Government Office and the ministries steer the provinces, provinces
 * report up and write to each other, units write to their province and to ministries.
 */
const SENDER_WEIGHTS: Readonly<Record<DemoAgency['kind'], number>> = { ministry: 5, province: 5, unit: 2 };

function recipientsFor(random: () => number, sender: DemoAgency): string[] {
  const others = DEMO_TRAFFIC_AGENCIES.filter((a) => a.code !== sender.code);
  // One to four recipients; steering documents of the centre go wider.
  const most = sender.kind === 'ministry' ? 4 : 3;
  const count = 1 + Math.floor(random() * most);
  return shuffled(random, others)
    .slice(0, count)
    .map((c) => c.code)
    .sort();
}

/** The plan of a run: the same options give the same plan. */
export function planTraffic(options: TrafficOptions): TrafficPlan {
  const o = resolveOptions(options);
  const random = seededRandom(o.seed);
  const senders = DEMO_TRAFFIC_AGENCIES.map((a) => ({ agency: a, weight: SENDER_WEIGHTS[a.kind] }));
  const slot = () => ({ day: 1 + Math.floor(random() * o.days), hour: weighted(random, OFFICE_HOURS).hour });

  // Documents first (who to whom, when), then the exact shares over them.
  const drafts = Array.from({ length: o.documents }, () => {
    const sender = weighted(random, senders).agency;
    return { ...slot(), sender, recipients: recipientsFor(random, sender), subject: SUBJECTS[Math.floor(random() * SUBJECTS.length)]! };
  });
  const pick = (n: number, k: number): Set<number> => new Set(shuffled(random, Array.from({ length: n }, (_, i) => i)).slice(0, k));
  const urgent = pick(drafts.length, shareOf(drafts.length, o.urgentShare));
  const invalid = pick(drafts.length, shareOf(drafts.length, o.invalidSignatureShare));
  const copies = drafts.flatMap((d, i) => d.recipients.map((r) => [i, r] as const));
  const late = pick(copies.length, shareOf(copies.length, o.lateShare));
  const rest = copies.map((_, i) => i).filter((i) => !late.has(i));
  const failedPositions = new Set(shuffled(random, rest).slice(0, shareOf(rest.length, o.failedShare)));
  const fates = new Map<string, CopyFate>(copies.map(([i, r], k) => [`${i}|${r}`, late.has(k) ? 'late' : failedPositions.has(k) ? 'failed' : 'taken-in']));

  const documents: Omit<PlannedDocument, 'seq'>[] = drafts.map((d, i) => ({
    type: 'document',
    day: d.day,
    hour: d.hour,
    sender: d.sender.code,
    system: d.sender.servedBy,
    recipients: d.recipients,
    priority: urgent.has(i) ? (String(1 + Math.floor(random() * 3)) as '1' | '2' | '3') : '0',
    signature: invalid.has(i) ? 'invalid' : 'none',
    subject: `${d.subject} (${i + 1})`,
    copies: d.recipients.map((r) => {
      const fate = fates.get(`${i}|${r}`)!;
      return { recipient: r, system: demoAgency(r).servedBy, fate, statuses: fate === 'taken-in' ? weighted(random, STATUS_SEQUENCES).codes : [] };
    }),
  }));
  const refusals: Omit<PlannedRefusal, 'seq'>[] = Array.from({ length: shareOf(o.documents, o.refusedShare) }, (_, i) => {
    const sender = weighted(random, senders).agency;
    return { type: 'refusal', ...slot(), sender: sender.code, system: sender.servedBy, code: REFUSAL_CODES[i % REFUSAL_CODES.length]! };
  });

  // Send order: by day and hour; within a burst as drawn.
  const ordered = [...documents, ...refusals].map((s, drawn) => ({ s, drawn })).sort((a, b) => a.s.day - b.s.day || a.s.hour - b.s.hour || a.drawn - b.drawn);
  const sends: PlannedSend[] = ordered.map(({ s }, k) => ({ ...s, seq: k + 1 }) as PlannedSend);
  const bursts: Burst[] = [];
  for (const s of sends) {
    const last = bursts[bursts.length - 1];
    if (last && last.day === s.day && last.hour === s.hour) (last.sends as PlannedSend[]).push(s);
    else bursts.push({ day: s.day, hour: s.hour, sends: [s] });
  }
  const planned = sends.filter((s): s is PlannedDocument => s.type === 'document');
  const allCopies = planned.flatMap((d) => d.copies);
  return {
    days: o.days,
    seed: o.seed,
    bursts,
    documents: planned,
    refusals: sends.filter((s): s is PlannedRefusal => s.type === 'refusal'),
    totals: {
      documents: planned.length,
      refusals: refusals.length,
      copies: allCopies.length,
      late: allCopies.filter((c) => c.fate === 'late').length,
      failed: allCopies.filter((c) => c.fate === 'failed').length,
      takenIn: allCopies.filter((c) => c.fate === 'taken-in').length,
      statuses: allCopies.reduce((n, c) => n + c.statuses.length, 0),
      urgent: planned.filter((d) => d.priority !== '0').length,
      invalidSignature: planned.filter((d) => d.signature === 'invalid').length,
      unsigned: planned.filter((d) => d.signature === 'none').length,
    },
  };
}

// ---- Bodies ------------------------------------------------------------------------------

/** What every body of one run shares: a tag that keeps its DocumentIds apart from other runs', and the date of issue. */
export interface BodyContext {
  /** Letters and digits, at most 10: part of every DocumentId's notation. */
  readonly runTag: string;
  /** `yyyy/MM/dd`, the day of issue (Vietnam time). */
  readonly date: string;
}

/** One package to send: its bytes, the kind the system declares and the agency it sends as. */
export interface BuiltSend {
  readonly body: Buffer;
  readonly kind: 'edoc' | 'status';
  readonly senderCode: string;
  /** The DocumentId of the document (or, for a status, of the document it is about); '' for a body with none. */
  readonly documentId: string;
}

const notationOf = (sender: string, ctx: BodyContext): string => `${demoAgency(sender).notation}-DM${ctx.runTag}`;

/** Bytes that look like a small PDF, the same for the same seed. */
function pdfLike(random: () => number, line: string): Buffer {
  const filler = Array.from({ length: 400 + Math.floor(random() * 2000) }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join('');
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${line}\n% ${filler}\ntrailer << /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}

/** A well-formed XML-DSig block with a plausible value but no certificate: nothing vouches for it. */
function unvouchedSignature(random: () => number): string {
  const b64 = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256))).toString('base64');
  return (
    '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>' +
    '<CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>' +
    '<SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>' +
    `<Reference URI=""><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue>${b64(32)}</DigestValue></Reference>` +
    `</SignedInfo><SignatureValue>${b64(256)}</SignatureValue></Signature>`
  );
}

function edoc(from: string, to: readonly string[], number: number, subject: string, priority: string, signature: 'none' | 'invalid', ctx: BodyContext, random: () => number): { xml: string; documentId: string } {
  const built = documentPackage({
    from,
    fromName: demoAgency(from).name,
    to,
    codeNumber: String(number),
    codeNotation: notationOf(from, ctx),
    promulgationDate: ctx.date,
    subject,
    priority,
    attachments: [{ name: `van-ban-${number}.pdf`, bytes: pdfLike(random, `${from} ${number}`) }],
  });
  if (signature === 'none') return { xml: built.xml, documentId: built.documentId };
  const pkg: EdocPackage = { ...built.package, signature: { xml: unvouchedSignature(random), x509Certificates: [], x509SubjectNames: [] } };
  return { xml: writePackage(pkg, { contents: built.contents }), documentId: built.documentId };
}

/** The DocumentId a planned document is sent with. */
export function documentIdOf(doc: Pick<PlannedDocument, 'sender' | 'seq'>, ctx: BodyContext): string {
  return `${doc.sender},${ctx.date},${doc.seq}/${notationOf(doc.sender, ctx)}`;
}

/** The body of a planned document. */
export function documentBody(doc: PlannedDocument, ctx: BodyContext): BuiltSend {
  const { xml, documentId } = edoc(doc.sender, doc.recipients, doc.seq, doc.subject, doc.priority, doc.signature, ctx, seededRandom(doc.seq));
  return { body: Buffer.from(xml), kind: 'edoc', senderCode: doc.sender, documentId };
}

/** The bad package of a planned refusal: built so that the gateway refuses it with `refusal.code`. */
export function refusalBody(refusal: PlannedRefusal, ctx: BodyContext): BuiltSend {
  const random = seededRandom(refusal.seq);
  const other = DEMO_TRAFFIC_AGENCIES.find((a) => a.servedBy !== refusal.system)!.code;
  const good = (to: readonly string[], from = refusal.sender) => edoc(from, to, refusal.seq, `Văn bản lỗi (${refusal.code})`, '0', 'none', ctx, random);
  switch (refusal.code) {
    case 'EDXML.MALFORMED_XML': {
      // Cut off in the middle and ended with `<<`: never well-formed XML.
      const { xml, documentId } = good([other]);
      return { body: Buffer.from(`${xml.slice(0, Math.floor(xml.length / 2))}<<`), kind: 'edoc', senderCode: refusal.sender, documentId };
    }
    case 'EXCHANGE.NO_RECIPIENTS': {
      const { xml, documentId } = good([]);
      return { body: Buffer.from(xml), kind: 'edoc', senderCode: refusal.sender, documentId };
    }
    case 'EXCHANGE.SENDER_MISMATCH': {
      // The header names an agency the system does not send as.
      const { xml, documentId } = good([refusal.sender], other);
      return { body: Buffer.from(xml), kind: 'edoc', senderCode: refusal.sender, documentId };
    }
    case 'EXCHANGE.INVALID_PACKAGE': {
      // A status with a code QCVN 102 does not know.
      const documentId = `${other},${ctx.date},${refusal.seq}/${notationOf(other, ctx)}`;
      const xml = statusPackage({ from: refusal.sender, documentId, documentIssuer: other, statusCode: '09' }).xml;
      return { body: Buffer.from(xml), kind: 'status', senderCode: refusal.sender, documentId };
    }
    case 'EXCHANGE.KIND_MISMATCH': {
      // A document declared as a status.
      const { xml, documentId } = good([other]);
      return { body: Buffer.from(xml), kind: 'status', senderCode: refusal.sender, documentId };
    }
  }
}

/** A status a recipient sends back about a document it took in. */
export function statusBody(doc: Pick<PlannedDocument, 'sender' | 'seq'>, recipient: string, code: string, ctx: BodyContext): BuiltSend {
  const documentId = documentIdOf(doc, ctx);
  const xml = statusPackage({ from: recipient, documentId, documentIssuer: doc.sender, statusCode: code, description: STATUS_TEXT[code] ?? `trạng thái ${code}` }).xml;
  return { body: Buffer.from(xml), kind: 'status', senderCode: recipient, documentId };
}

const STATUS_TEXT: Readonly<Record<string, string>> = {
  '01': 'Đã đến',
  '02': 'Từ chối tiếp nhận',
  '03': 'Đã tiếp nhận',
  '04': 'Phân công xử lý',
  '05': 'Đang xử lý',
  '06': 'Hoàn thành',
};
