// Generates large, valid packages on the fly for tests and benchmarks: nothing is written to
// disk and only one chunk of content exists at a time.

import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Attachment, EdocPackage } from './model';
import { writePackageStream } from './write-package';

export interface SyntheticPackageOptions {
  /** Approximate size of the whole package in bytes. */
  readonly targetBytes: number;
  /** Number of attachments sharing the content (default 1). */
  readonly attachments?: number;
  /** Bytes of content per generated chunk (default 48 KiB). */
  readonly chunkBytes?: number;
}

export interface SyntheticPackage {
  /** The package bytes. */
  readonly stream: Readable;
  /** The model written (attachment size and sha256 are the expected values). */
  readonly package: EdocPackage;
}

// Header and attachment markup take roughly this much; the rest is base64.
const MARKUP_ALLOWANCE = 4096;

/** Builds a valid edoc whose attachments are deterministic pseudo-random bytes. */
export function createSyntheticPackage(options: SyntheticPackageOptions): SyntheticPackage {
  const count = Math.max(1, options.attachments ?? 1);
  const chunkBytes = options.chunkBytes ?? 48 * 1024;
  const contentBytes = Math.max(0, Math.floor(((options.targetBytes - MARKUP_ALLOWANCE) * 3) / 4 / count));
  const attachments: Attachment[] = [];
  for (let i = 0; i < count; i++) {
    const hash = createHash('sha256');
    for (const chunk of contentChunks(i, contentBytes, chunkBytes)) hash.update(chunk);
    attachments.push({
      contentId: `cid:synthetic-${i + 1}`,
      attachmentName: `synthetic-${i + 1}.pdf`,
      description: 'synthetic content',
      contentType: 'application/pdf',
      size: contentBytes,
      sha256: hash.digest('hex'),
    });
  }
  const pkg: EdocPackage = {
    kind: 'edoc',
    header: {
      from: { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' },
      to: [{ organId: '000.00.00.H53', organName: 'UBND tỉnh Tây Ninh' }],
      documentId: '000.00.00.G22,2025/03/12,123/VPCP-TTĐT',
      code: { codeNumber: '123', codeNotation: 'VPCP-TTĐT' },
      promulgationInfo: { place: 'Hà Nội', promulgationDate: '2025/03/12' },
      documentType: { type: '1', typeName: 'Công văn' },
      subject: 'Văn bản thử nghiệm dung lượng lớn',
      signerInfo: { position: 'Bộ trưởng', fullName: 'Nguyễn Văn A' },
      otherInfo: { priority: '0', appendixes: [] },
      responseFor: [],
      steeringType: '1',
      toPlaces: [],
    },
    traceHeaders: [{ organId: '000.00.00.G22', timestamp: '2025/03/12 08:00:00' }],
    business: { businessDocType: '0', paper: '0' },
    manifest: {
      version: '1.0',
      references: attachments.map((a) => ({
        contentId: a.contentId ?? '',
        contentType: a.contentType ?? '',
        attachmentName: a.attachmentName ?? '',
      })),
    },
    attachments,
  };
  const stream = writePackageStream(pkg, { open: (_, i) => contentChunks(i, contentBytes, chunkBytes) });
  return { stream, package: pkg };
}

/** Deterministic bytes: a xorshift32 stream seeded by the attachment index. */
function* contentChunks(seed: number, total: number, chunkBytes: number): Generator<Buffer> {
  let state = (0x9e3779b9 ^ (seed + 1)) >>> 0;
  let left = total;
  while (left > 0) {
    const n = Math.min(chunkBytes, left) & ~3;
    const size = n === 0 ? left : n;
    const chunk = Buffer.allocUnsafe(size);
    for (let i = 0; i + 4 <= size; i += 4) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      chunk.writeUInt32LE(state >>> 0, i);
    }
    for (let i = size - (size % 4); i < size; i++) chunk[i] = i & 0xff;
    left -= size;
    yield chunk;
  }
}
