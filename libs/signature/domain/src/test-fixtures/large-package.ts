// Test and benchmark support: an accepted edXML package around a large signed PDF, streamed (never
// held), with what the gateway would have recorded for it, and a probe of the memory used while
// it is verified.
import type { AttachmentSummary } from '@vdx/contracts';
import { packageRefWith } from '@vdx/contracts/test-fixtures';
import { documentPackage, writePackageStream } from '@vdx/edxml';
import type { SigningHierarchy } from '@vdx/pki';
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { signDetached } from '../../../validator/src/testing/cms-builder';
import { SIGNED_AT } from '../../../validator/src/testing/fixtures';
import { largeSignedPdf, type StreamedPdf } from '../../../validator/src/testing/large-pdf';
import type { VerificationInput } from '../verdict';

/** A package as accepted: its input for a verifier and its body, as often as asked. */
export interface LargePackage {
  readonly pdf: StreamedPdf;
  readonly input: VerificationInput;
  body(): AsyncIterable<Uint8Array>;
}

/** A PDF of about `fillerBytes`, signed by the hierarchy's personal signer then its seal, in a document package. */
export async function largeSignedPackage(h: SigningHierarchy, fillerBytes: number): Promise<LargePackage> {
  const by = (signer: SigningHierarchy['personal']) => (digest: Uint8Array) => signDetached(new Uint8Array(0), { signer, certificates: [signer, h.intermediate], signingTime: SIGNED_AT, messageDigestOverride: digest });
  const pdf = await largeSignedPdf(fillerBytes, [
    { field: { fieldName: 'Personal', signingTime: SIGNED_AT, contentsSize: 4096 }, sign: by(h.personal) },
    { field: { fieldName: 'Seal', signingTime: SIGNED_AT, contentsSize: 4096 }, sign: by(h.organisational) },
  ]);
  const model = documentPackage({ from: '000.00.00.H53', to: ['000.00.00.G22'], codeNumber: '1', codeNotation: 'UBND', subject: 'large', attachments: [{ name: 'cong-van.pdf', bytes: new Uint8Array(1) }] }).package;
  const first = model.attachments[0];
  if (!first) throw new Error('no attachment');
  const pkg = { ...model, attachments: [{ ...first, size: pdf.length, sha256: pdf.sha256 }] };
  const body = (): AsyncIterable<Uint8Array> => writePackageStream(pkg, { open: () => pdf.chunks() });
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of body()) {
    hash.update(chunk);
    size += chunk.length;
  }
  const ref = packageRefWith({ packageId: 'large', senderCode: '000.00.00.H53', systemId: 's', recipientCodes: ['000.00.00.G22'], bodySha256: hash.digest('hex'), bodySize: size, acceptedAt: '2026-03-02T02:00:00.000Z' });
  const attachments: AttachmentSummary[] = [{ contentId: first.contentId ?? null, name: first.attachmentName ?? null, contentType: first.contentType ?? null, size: pdf.length, sha256: pdf.sha256 }];
  return { pdf, input: { ref, attachments }, body };
}

/** A function forcing a full GC, exposed at run time when node was started without --expose-gc. */
export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function') throw new Error('could not expose gc');
  return () => gc();
}

/** Heap and ArrayBuffer memory (Buffers live outside the JS heap), in bytes. */
const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/**
 * Memory while a job runs: `sample()` records the current use (`rawPeak`, garbage included);
 * every `gcEveryBytes` of `progress` a full GC runs first, so `retainedPeak` is what is really held.
 */
export class MemoryProbe {
  readonly baseline: number;
  rawPeak: number;
  retainedPeak: number;
  private sinceGc = 0;

  constructor(private readonly gc: () => void, private readonly gcEveryBytes: number) {
    gc();
    gc();
    this.baseline = used();
    this.rawPeak = this.baseline;
    this.retainedPeak = this.baseline;
  }

  sample(): void {
    this.rawPeak = Math.max(this.rawPeak, used());
  }

  progress(bytes: number): void {
    this.sample();
    this.sinceGc += bytes;
    if (this.sinceGc >= this.gcEveryBytes) {
      this.sinceGc = 0;
      this.retained();
    }
  }

  /** A full GC, then what remains (twice: V8 frees the memory of dead buffers concurrently, finishing by the next GC). */
  retained(): void {
    this.gc();
    this.gc();
    this.retainedPeak = Math.max(this.retainedPeak, used());
  }

  /** Wraps a body so each chunk read counts as progress. */
  watch(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    const progress = (n: number): void => this.progress(n);
    return (async function* () {
      for await (const chunk of body) {
        progress(chunk.length);
        yield chunk;
      }
    })();
  }

  get rawGrowthMb(): number {
    return (this.rawPeak - this.baseline) / 2 ** 20;
  }

  get retainedGrowthMb(): number {
    return (this.retainedPeak - this.baseline) / 2 ** 20;
  }
}
