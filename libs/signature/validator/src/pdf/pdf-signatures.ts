import type { ByteSource } from '../bytes';
import type { ValidationLimits } from '../limits';
import { finding, ReasonCode, type Finding } from '../reason-codes';
import { entry, isDelimiter, isWhite, parseValue, PdfReader, PdfSyntaxError, type PdfValue } from './pdf-objects';

/** The byte range of a signature: `[a, b, c, d]` covers `[a, a+b)` and `[c, c+d)`. */
export type ByteRange = readonly [number, number, number, number];

/** The signature formats of ISO 32000 and ETSI EN 319 142 (PAdES). */
export type SubFilter = 'adbe.pkcs7.detached' | 'ETSI.CAdES.detached' | 'ETSI.RFC3161' | string;

/** One signature dictionary found in a PDF, with the structural problems it has. */
export interface PdfSignatureDictionary {
  /** Position among the signatures, in file order (an incremental update comes later). */
  readonly index: number;
  /** Offset of its `/ByteRange` key. */
  readonly offset: number;
  readonly byteRange?: ByteRange;
  /** The /Contents hex string: `start` is its `<`, `end` one past its `>`. */
  readonly contents?: { readonly start: number; readonly end: number };
  readonly subFilter?: SubFilter;
  readonly filter?: string;
  /** The /M entry as written (`D:20260301083015+07'00'`): claimed, like signingTime. */
  readonly claimedTime?: string;
  /** The byte range ends at the end of the file. */
  readonly coversWholeFile: boolean;
  /** Structural findings; an `invalid` or `indeterminate` one means the signature cannot be checked. */
  readonly findings: readonly Finding[];
}

/** What {@link readPdfSignatures} found: signature dictionaries and findings about the whole file. */
export interface PdfSignatureScan {
  readonly signatures: readonly PdfSignatureDictionary[];
  readonly findings: readonly Finding[];
}

const BYTE_RANGE = Buffer.from('/ByteRange', 'latin1');
const SCAN_CHUNK = 1024 * 1024;
const MAX_OBJ_CANDIDATES = 4;
const HEADER_WINDOW = 1024;
const SUPPORTED: ReadonlySet<string> = new Set(['adbe.pkcs7.detached', 'ETSI.CAdES.detached']);

/**
 * Finds every signature dictionary of a PDF without parsing the PDF: it scans for the
 * `/ByteRange` key, reads the indirect object around each hit (skipping the /Contents hex
 * string the byte range points at) and checks that the byte range starts at 0, stays in the
 * file and leaves out exactly the /Contents string. Incremental updates need nothing special:
 * each revision's signature dictionary is in the file as written. Throws only when the source
 * itself fails to read; bounded by the limits (file size, number of signatures, bytes read per
 * dictionary).
 */
export function readPdfSignatures(source: ByteSource, limits: ValidationLimits): PdfSignatureScan {
  const fileFindings: Finding[] = [];
  if (source.length > limits.maxPdfBytes) return { signatures: [], findings: [finding(ReasonCode.PDF_TOO_LARGE, 'indeterminate', 'file', `${source.length} bytes, more than ${limits.maxPdfBytes}`)] };
  if (!Buffer.from(source.readRange(0, Math.min(HEADER_WINDOW, source.length))).includes('%PDF-')) {
    return { signatures: [], findings: [finding(ReasonCode.PDF_NOT_PDF, 'indeterminate', 'file', 'no %PDF- header in the first 1024 bytes')] };
  }
  const tail = Buffer.from(source.readRange(Math.max(0, source.length - HEADER_WINDOW), Math.min(HEADER_WINDOW, source.length))).toString('latin1');
  if (!/%%EOF[\0\t\n\f\r ]*$/.test(tail)) fileFindings.push(finding(ReasonCode.PDF_TRUNCATED, 'indeterminate', 'file', 'the file does not end with %%EOF: it is cut short or damaged'));
  const hits = findByteRangeKeys(source, limits.maxSignatures + 1);
  if (hits.length > limits.maxSignatures) {
    return { signatures: [], findings: [...fileFindings, finding(ReasonCode.PDF_TOO_MANY_SIGNATURES, 'indeterminate', 'file', `more than ${limits.maxSignatures} signature dictionaries`)] };
  }
  const signatures = hits.map((hit, index) => readDictionary(source, hit, index, limits));
  // Only a well-formed byte range says where a signed revision ends.
  const ends = signatures.flatMap((s) => (s.byteRange && s.contents && s.findings.every((f) => f.code === ReasonCode.PDF_UNSUPPORTED_SUBFILTER) ? [s.byteRange[2] + s.byteRange[3]] : []));
  if (ends.length > 0) {
    const lastEnd = Math.max(...ends);
    if (lastEnd < source.length && !onlyWhite(source, lastEnd)) {
      fileFindings.push(finding(ReasonCode.PDF_CONTENT_AFTER_SIGNATURE, 'indeterminate', 'file', `${source.length - lastEnd} bytes after the last signed revision are covered by no signature`));
    }
  }
  return { signatures, findings: fileFindings };
}

/** Offsets of `/ByteRange` name tokens, at most `max`, scanning a megabyte at a time. */
function findByteRangeKeys(source: ByteSource, max: number): number[] {
  const hits: number[] = [];
  const overlap = BYTE_RANGE.length;
  for (let start = 0; start < source.length && hits.length < max; start += SCAN_CHUNK) {
    const end = Math.min(source.length, start + SCAN_CHUNK + overlap);
    const chunk = Buffer.from(source.readRange(start, end - start));
    for (let at = chunk.indexOf(BYTE_RANGE); at >= 0 && hits.length < max; at = chunk.indexOf(BYTE_RANGE, at + 1)) {
      const absolute = start + at;
      // A hit in the overlap is found again by the next chunk.
      if (at >= SCAN_CHUNK) break;
      const after = absolute + BYTE_RANGE.length < source.length ? (source.readRange(absolute + BYTE_RANGE.length, 1)[0] ?? -1) : -1;
      if (after < 0 || isWhite(after) || isDelimiter(after)) hits.push(absolute);
    }
  }
  return hits;
}

function onlyWhite(source: ByteSource, from: number): boolean {
  for (let at = from; at < source.length; at += SCAN_CHUNK) {
    const chunk = source.readRange(at, Math.min(SCAN_CHUNK, source.length - at));
    if (chunk.some((b) => !isWhite(b))) return false;
  }
  return true;
}

function readDictionary(source: ByteSource, hit: number, index: number, limits: ValidationLimits): PdfSignatureDictionary {
  const base = { index, offset: hit, coversWholeFile: false };
  const malformed = (message: string): PdfSignatureDictionary => ({ ...base, findings: [finding(ReasonCode.PDF_SIGNATURE_DICTIONARY_MALFORMED, 'indeterminate', 'signature', message)] });
  const declared = declaredByteRange(source, hit, limits);
  const gap = declared ? { start: declared[0] + declared[1], end: declared[2] } : null;
  const dict = enclosingDictionary(source, hit, gap, limits);
  if (!dict) return malformed(`no readable signature dictionary around the /ByteRange at offset ${hit}`);
  const type = entry(dict, 'Type');
  if (type && !(type.kind === 'name' && (type.value === 'Sig' || type.value === 'DocTimeStamp'))) return malformed(`a /ByteRange in a dictionary of /Type ${type.kind === 'name' ? type.value : type.kind}`);
  const filter = nameOf(entry(dict, 'Filter'));
  const subFilter = nameOf(entry(dict, 'SubFilter'));
  const claimed = entry(dict, 'M');
  const info = {
    ...base,
    ...(filter ? { filter } : {}),
    ...(subFilter ? { subFilter } : {}),
    ...(claimed?.kind === 'string' ? { claimedTime: Buffer.from(claimed.bytes).toString('latin1').slice(0, 64) } : {}),
  };
  const byteRange = byteRangeOf(entry(dict, 'ByteRange'));
  if (!byteRange) return { ...info, findings: [finding(ReasonCode.PDF_BYTE_RANGE_MALFORMED, 'invalid', 'signature', '/ByteRange is not an array of four non-negative integers')] };
  const contents = entry(dict, 'Contents');
  if (!contents) return { ...info, byteRange, findings: [finding(ReasonCode.PDF_SIGNATURE_DICTIONARY_MALFORMED, 'invalid', 'signature', 'the signature dictionary has no /Contents')] };
  if (contents.kind !== 'hex') return { ...info, byteRange, findings: [finding(ReasonCode.PDF_CONTENTS_MALFORMED, 'invalid', 'signature', '/Contents is not a hex string')] };
  const span = { start: contents.start, end: contents.end };
  const findings = byteRangeFindings(byteRange, span, source.length);
  if (!subFilter || !SUPPORTED.has(subFilter)) {
    findings.push(finding(ReasonCode.PDF_UNSUPPORTED_SUBFILTER, 'indeterminate', 'signature', subFilter === 'ETSI.RFC3161' ? 'a document timestamp (ETSI.RFC3161) is not checked yet' : `unsupported /SubFilter ${subFilter ?? '(none)'}`));
  }
  return { ...info, byteRange, contents: span, coversWholeFile: byteRange[2] + byteRange[3] === source.length, findings };
}

/** The checks of ISO 32000-1 §12.8.1: from 0, inside the file, a gap exactly over /Contents. */
function byteRangeFindings([a, b, c, d]: ByteRange, contents: { start: number; end: number }, length: number): Finding[] {
  const out: Finding[] = [];
  if (a !== 0) out.push(finding(ReasonCode.PDF_BYTE_RANGE_NOT_AT_START, 'invalid', 'signature', `the byte range starts at ${a}, not 0`));
  if (a + b > length || c + d > length || c < a + b) {
    out.push(finding(ReasonCode.PDF_BYTE_RANGE_OUT_OF_FILE, 'invalid', 'signature', `byte range [${a} ${b} ${c} ${d}] does not fit a file of ${length} bytes`));
  } else if (a + b !== contents.start || c !== contents.end) {
    out.push(finding(ReasonCode.PDF_BYTE_RANGE_GAP_MISMATCH, 'invalid', 'signature', `the unsigned gap [${a + b}, ${c}) is not exactly the /Contents string [${contents.start}, ${contents.end})`));
  }
  return out;
}

function nameOf(value: PdfValue | undefined): string | undefined {
  return value?.kind === 'name' ? value.value : undefined;
}

function byteRangeOf(value: PdfValue | undefined): ByteRange | null {
  if (value?.kind !== 'array' || value.items.length !== 4) return null;
  const numbers = value.items.map((v) => (v.kind === 'number' && v.integer && v.value >= 0 && Number.isSafeInteger(v.value) ? v.value : -1));
  if (numbers.some((n) => n < 0)) return null;
  const [a = 0, b = 0, c = 0, d = 0] = numbers;
  return [a, b, c, d];
}

/** The array after a `/ByteRange` key, read on its own (to know the gap before the object). */
function declaredByteRange(source: ByteSource, hit: number, limits: ValidationLimits): ByteRange | null {
  try {
    const reader = new PdfReader(source, hit + BYTE_RANGE.length, Math.min(256, limits.maxDictionaryBytes));
    return byteRangeOf(parseValue(reader, null));
  } catch (e) {
    if (e instanceof PdfSyntaxError) return null;
    throw e;
  }
}

/**
 * The dictionary whose `/ByteRange` key is at `hit`: parses the indirect objects that start
 * before it (`N G obj`, nearest first) until one holds that key.
 */
function enclosingDictionary(source: ByteSource, hit: number, gap: { start: number; end: number } | null, limits: ValidationLimits): PdfValue | null {
  let from = hit;
  for (let attempt = 0; attempt < MAX_OBJ_CANDIDATES; attempt++) {
    const objStart = previousObjKeyword(source, from, gap, limits.maxDictionaryBytes);
    if (objStart === null) return null;
    try {
      const reader = new PdfReader(source, objStart + 3, limits.maxDictionaryBytes);
      const found = dictWithKeyAt(parseValue(reader, gap && gap.end > gap.start ? gap : null), hit);
      if (found) return found;
    } catch (e) {
      if (!(e instanceof PdfSyntaxError)) throw e;
    }
    from = objStart;
  }
  return null;
}

function dictWithKeyAt(value: PdfValue, hit: number): PdfValue | null {
  if (value.kind === 'dict') {
    if (value.entries.some((e) => e.key === 'ByteRange' && e.keyOffset === hit)) return value;
    for (const e of value.entries) {
      const inner = dictWithKeyAt(e.value, hit);
      if (inner) return inner;
    }
  }
  if (value.kind === 'array') {
    for (const item of value.items) {
      const inner = dictWithKeyAt(item, hit);
      if (inner) return inner;
    }
  }
  return null;
}

/**
 * The offset of the nearest `obj` keyword before `from` that follows `N G`, looking back at
 * most `budget` bytes, stepping over the /Contents gap when it lies in between.
 */
function previousObjKeyword(source: ByteSource, from: number, gap: { start: number; end: number } | null, budget: number): number | null {
  let pos = from - 1;
  let spent = 0;
  const byte = backwardReader(source);
  while (pos >= 2 && spent < budget) {
    if (gap && pos < gap.end && pos >= gap.start && gap.end <= from) {
      pos = gap.start - 1;
      continue;
    }
    spent++;
    if (byte(pos) === 0x6a && byte(pos - 1) === 0x62 && byte(pos - 2) === 0x6f) {
      const start = pos - 2;
      const after = byte(pos + 1);
      if ((after < 0 || isWhite(after) || isDelimiter(after)) && followsObjectNumbers(byte, start)) return start;
    }
    pos--;
  }
  return null;
}

/** Byte access for a backward scan, through a 4 KiB window ending at the byte asked for. */
function backwardReader(source: ByteSource): (at: number) => number {
  let window: Uint8Array = new Uint8Array(0);
  let windowStart = 0;
  return (at) => {
    if (at < 0 || at >= source.length) return -1;
    if (at < windowStart || at >= windowStart + window.length) {
      windowStart = Math.max(0, at - 4095);
      window = source.readRange(windowStart, Math.min(at + 1, source.length) - windowStart);
    }
    return window[at - windowStart] ?? -1;
  };
}

/** Whether `N G ` precedes `at` (and not `end`, as in `endobj`). */
function followsObjectNumbers(byte: (at: number) => number, at: number): boolean {
  let p = at - 1;
  const skip = (pred: (b: number) => boolean, max: number): number => {
    let n = 0;
    while (p >= 0 && n < max && pred(byte(p))) {
      p--;
      n++;
    }
    return n;
  };
  const digit = (b: number): boolean => b >= 0x30 && b <= 0x39;
  if (skip(isWhite, 16) === 0) return false;
  if (skip(digit, 5) === 0) return false;
  if (skip(isWhite, 16) === 0) return false;
  if (skip(digit, 10) === 0) return false;
  return p < 0 || isWhite(byte(p)) || isDelimiter(byte(p));
}
