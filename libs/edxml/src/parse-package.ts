import { MemorySink, type AttachmentSink } from './attachment-sink';
import type { EdxmlFinding } from './finding';
import { resolveLimits, type EdxmlLimits } from './limits';
import type { EdxmlDialect, EdxmlPackage } from './model';
import { ParseEngine } from './parse-engine';
import { readPackage } from './read-package';
import { validatePackage } from './validate-package';

export interface ParseOptions {
  /** Overrides of {@link DEFAULT_LIMITS}. */
  readonly limits?: Partial<EdxmlLimits>;
  /** Also run {@link validatePackage} (default true); structural findings are always reported. */
  readonly validate?: boolean;
}

export interface ParseResult {
  readonly package: EdxmlPackage;
  /** Spellings the sender used; pass to the writer to answer in kind. */
  readonly dialect: EdxmlDialect;
  /** Structural findings in document order, then validation findings. */
  readonly findings: EdxmlFinding[];
}

export interface BufferedParseResult extends ParseResult {
  /** Decoded attachment bytes, aligned with `package.attachments`. */
  readonly contents: Buffer[];
}

export interface StreamParseResult extends ParseResult {
  readonly bytesRead: number;
}

// Feeding in slices keeps saxes' per-write work small even for one big string.
const SLICE = 64 * 1024;

/**
 * Parses a whole package held in memory. Throws {@link EdxmlError} only when the input is not
 * readable edXML (malformed XML, DTD, limits); everything else is a finding.
 */
export function parseEdxml(input: string | Uint8Array, options: ParseOptions = {}): BufferedParseResult {
  const sink = new MemorySink();
  const engine = new ParseEngine({ limits: resolveLimits(options.limits), sink, rootLocalName: 'edXML', repairUnclosed: true });
  try {
    if (typeof input === 'string') {
      for (let i = 0; i < input.length; i += SLICE) engine.writeString(input.slice(i, i + SLICE));
    } else {
      for (let i = 0; i < input.byteLength; i += SLICE) engine.writeBytes(input.subarray(i, i + SLICE));
    }
    const result = finish(engine.end(), options);
    return { ...result, contents: sink.contents(result.package.attachments.length) };
  } catch (error) {
    engine.abort(asError(error));
    throw error;
  }
}

/**
 * Parses a package from a stream, sending each attachment's decoded content to `sink` as it
 * arrives. Memory stays bounded by the input chunk size plus the header: the parser waits for
 * the sink's promises before reading on.
 */
export async function parseEdxmlStream(
  input: AsyncIterable<Uint8Array | string>,
  sink: AttachmentSink,
  options: ParseOptions = {},
): Promise<StreamParseResult> {
  const engine = new ParseEngine({ limits: resolveLimits(options.limits), sink, rootLocalName: 'edXML', repairUnclosed: true });
  let bytesRead = 0;
  try {
    for await (const chunk of input) {
      if (typeof chunk === 'string') {
        bytesRead += Buffer.byteLength(chunk);
        engine.writeString(chunk);
      } else {
        bytesRead += chunk.byteLength;
        engine.writeBytes(chunk);
      }
      const pending = engine.settle();
      if (pending !== undefined) await pending;
    }
    const root = engine.end();
    const pending = engine.settle();
    if (pending !== undefined) await pending;
    return { ...finish(root, options), bytesRead };
  } catch (error) {
    engine.abort(asError(error));
    throw error;
  }
}

function finish(root: ReturnType<ParseEngine['end']>, options: ParseOptions): ParseResult {
  const read = readPackage(root);
  if (options.validate === false) return read;
  return { ...read, findings: [...read.findings, ...validatePackage(read.package, { dialect: read.dialect })] };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
