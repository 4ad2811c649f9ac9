// What the exchange benchmarks share (`npm run bench`, `npm run bench:legacy`): the agencies,
// the ~50 KB documents to three recipients, and the small helpers their JSON is made with.
import { documentPackage } from '@vdx/edxml';
import { randomBytes } from 'node:crypto';

/** The sending agency and its connected system. */
export const SENDER = { code: '000.00.00.G22', name: 'Văn phòng Chính phủ', system: 'bench-sender' } as const;
/** The three recipient agencies, each its own connected system. */
export const RECIPIENTS = [
  { code: '000.00.00.H53', name: 'UBND tỉnh Tây Ninh', system: 'bench-r1' },
  { code: '000.00.00.H41', name: 'UBND tỉnh Khánh Hòa', system: 'bench-r2' },
  { code: '000.00.00.H01', name: 'UBND thành phố Hà Nội', system: 'bench-r3' },
] as const;
/** The size of every document's whole edXML body. */
export const TARGET_BODY_BYTES = 50_000;

/** A positive number from the environment, or `fallback`. */
export const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number (got ${raw})`);
  return n;
};

/** Rounded milliseconds, or null. */
export const ms = (v: number | null) => (v === null ? null : Math.round(v));

/** Nearest rank: the smallest value with at least p% of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** p50, p95, p99 and max of some durations in ms. */
export function spread(values: readonly number[]): { count: number; p50: number | null; p95: number | null; p99: number | null; max: number | null } {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: ms(percentile(sorted, 50)), p95: ms(percentile(sorted, 95)), p99: ms(percentile(sorted, 99)), max: ms(sorted[sorted.length - 1] ?? null) };
}

/**
 * Documents from {@link SENDER} to every {@link RECIPIENTS} agency, each with one random PDF
 * attachment sized so that the whole body is ~{@link TARGET_BODY_BYTES}, numbered from 1 under
 * `codeNotation` (a different notation per run keeps DocumentIds apart).
 */
export function documentBodies(codeNotation = 'VPCP-BENCH'): { readonly attachmentBytes: number; make(priority?: string): Buffer } {
  const probe = Buffer.byteLength(documentPackage({ from: SENDER.code, to: RECIPIENTS.map((r) => r.code), codeNumber: '1', codeNotation, subject: 'probe', attachments: [{ name: 'vb.pdf', bytes: randomBytes(30_000) }] }).xml);
  const overhead = probe - 40_000; // 30,000 bytes → 40,000 base64 characters
  const attachmentBytes = Math.max(0, Math.floor((TARGET_BODY_BYTES - overhead) / 4) * 3);
  let docNo = 0;
  return {
    attachmentBytes,
    make(priority = '0'): Buffer {
      docNo += 1;
      const xml = documentPackage({
        priority,
        from: SENDER.code,
        to: RECIPIENTS.map((r) => r.code),
        codeNumber: String(docNo),
        codeNotation,
        subject: `Văn bản đo tải số ${docNo}`,
        attachments: [{ name: `vb-${docNo}.pdf`, bytes: randomBytes(attachmentBytes) }],
      }).xml;
      return Buffer.from(xml);
    },
  };
}
