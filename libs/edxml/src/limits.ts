/** Hard limits applied while reading a package; exceeding one throws an {@link EdxmlError}. */
export interface EdxmlLimits {
  /** Bytes of the whole package, attachments included (`EDXML.TOO_LARGE`). */
  readonly maxTotalBytes: number;
  /** UTF-8 bytes of everything except attachment content: the part held in memory (`EDXML.TOO_LARGE`). */
  readonly maxMarkupBytes: number;
  /** Element nesting depth, root = 1 (`EDXML.TOO_DEEP`). */
  readonly maxDepth: number;
  /** Number of elements (`EDXML.TOO_MANY_ELEMENTS`). */
  readonly maxElements: number;
  /** Characters of one text node, tag, comment, CDATA section or processing instruction; attachment content streams and is exempt (`EDXML.TEXT_TOO_LARGE`). */
  readonly maxTextLength: number;
}

/** Defaults sized for real traffic: typical packages are ~370 KB, scanned documents tens of MB. */
export const DEFAULT_LIMITS: EdxmlLimits = Object.freeze({
  maxTotalBytes: 256 * 1024 * 1024,
  maxMarkupBytes: 16 * 1024 * 1024,
  maxDepth: 32,
  maxElements: 100_000,
  maxTextLength: 1024 * 1024,
});

/** Fills unspecified limits with the defaults. */
export function resolveLimits(limits?: Partial<EdxmlLimits>): EdxmlLimits {
  return { ...DEFAULT_LIMITS, ...limits };
}
