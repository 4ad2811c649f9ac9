import { type AgencyCode, type ParseAgencyCodeResult, parseAgencyCodeOrThrow } from './agency-code';
import { AgencyCodeError, AgencyCodeErrorCode, type AgencyCodeSegment, quoteInput } from './agency-code.error';
import { type AgencyCodeParseOptions, prepareInput } from './parse-input';

// Compact segments after level 1, in order, with their fixed widths.
const LOWER_LEVELS = [
  { segment: 'level2', width: 2 },
  { segment: 'level3', width: 2 },
  { segment: 'level4', width: 3 },
] as const;

/**
 * The compact form of Decision 20/2020/QĐ-TTg: level 1 first, then the used lower levels from
 * higher to lower (`000.00.18.G12` → `G12.18`, `001.20.32.H53` → `H53.32.20.001`).
 * Unambiguous because codes have no gaps: the n-th segment after level 1 is level n+1.
 */
export function formatCompactAgencyCode(code: AgencyCode): string {
  const parts = [code.level1];
  if (code.level >= 2) parts.push(pad(code.level2, 2));
  if (code.level >= 3) parts.push(pad(code.level3, 2));
  if (code.level >= 4) parts.push(pad(code.level4, 3));
  return parts.join('.');
}

/**
 * Parses the compact form (`G12.18`, `H53.32.20.001`) without throwing.
 *
 * Rules: 1 to 4 `.`-separated segments; the first is level 1 (uppercase letter + two digits,
 * not `00`); then level 2 (2 digits), level 3 (2 digits), level 4 (3 digits), each non-zero
 * (zero levels are omitted, never written). Whitespace as in {@link AgencyCodeParseOptions}.
 */
export function parseCompactAgencyCode(input: string, options: AgencyCodeParseOptions = {}): ParseAgencyCodeResult {
  const prepared = prepareInput(input, options);
  if (prepared instanceof AgencyCodeError) return { ok: false, error: prepared };
  const { text, offset, trimmed } = prepared;
  const fail = (
    code: AgencyCodeErrorCode,
    message: string,
    index: number,
    segment: AgencyCodeSegment,
  ): ParseAgencyCodeResult => ({
    ok: false,
    error: new AgencyCodeError(code, `Compact agency code ${quoteInput(input)}: ${message}`, { input, position: offset + index, segment }),
  });

  const parts = text.split('.');
  const level1 = parts[0] ?? '';
  const level1Problem = checkLevel1(level1, offset);
  if (level1Problem !== undefined) {
    return fail(AgencyCodeErrorCode.BAD_LEVEL1, level1Problem.message, level1Problem.index, 'level1');
  }

  const values: number[] = [];
  let start = level1.length + 1;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const level = LOWER_LEVELS[i - 1];
    if (level === undefined) {
      // Index of the separator that opens the fifth segment.
      return fail(AgencyCodeErrorCode.BAD_COMPACT, 'has more than 4 segments', start - 1, 'separator');
    }
    const { segment, width } = level;
    const name = segment.replace('level', 'level ');
    let nonDigit = -1;
    for (let j = 0; j < part.length && nonDigit < 0; j++) {
      const ch = part.charAt(j);
      if (ch < '0' || ch > '9') nonDigit = j;
    }
    if (nonDigit >= 0) {
      return fail(
        AgencyCodeErrorCode.BAD_COMPACT,
        `expected a digit 0-9 at index ${offset + start + nonDigit} (${name}), ` +
          `found ${JSON.stringify(part.charAt(nonDigit))}`,
        start + nonDigit,
        segment,
      );
    }
    if (part.length !== width) {
      return fail(
        AgencyCodeErrorCode.BAD_COMPACT,
        part.length === 0
          ? `${name} is empty at index ${offset + start}`
          : `${name} "${part}" has ${part.length} digits, expected ${width}`,
        start,
        segment,
      );
    }
    const value = Number(part);
    if (value === 0) {
      // A zero segment is either redundant (trailing) or a gap; refusing it keeps one spelling per code.
      return fail(
        AgencyCodeErrorCode.BAD_COMPACT,
        `${name} is zero; unused levels are omitted in the compact form`,
        start,
        segment,
      );
    }
    values.push(value);
    start += part.length + 1;
  }

  const [level2 = 0, level3 = 0, level4 = 0] = values;
  const canonical = `${pad(level4, 3)}.${pad(level3, 2)}.${pad(level2, 2)}.${level1}`;
  // Every rule was checked above; the canonical parser re-checks rather than trusting us.
  return { ok: true, code: parseAgencyCodeOrThrow(canonical), trimmed };
}

/**
 * Parses the compact form, throwing {@link AgencyCodeError} when malformed.
 * Same rules as {@link parseCompactAgencyCode}.
 */
export function parseCompactAgencyCodeOrThrow(input: string, options: AgencyCodeParseOptions = {}): AgencyCode {
  const result = parseCompactAgencyCode(input, options);
  if (!result.ok) throw result.error;
  return result.code;
}

function checkLevel1(part: string, offset: number): { index: number; message: string } | undefined {
  const first = part.charAt(0);
  if (!(first >= 'A' && first <= 'Z')) {
    // A leading digit usually means the canonical form was passed to the compact parser.
    const hint = first >= '0' && first <= '9' ? ' (the compact form starts with level 1, e.g. G12.18)' : '';
    return {
      index: 0,
      message: `expected an uppercase letter A-Z at index ${offset} (level 1), found ${JSON.stringify(first)}${hint}`,
    };
  }
  if (part.length !== 3) {
    return {
      index: Math.min(part.length, 3),
      message: `level 1 "${part}" has ${part.length} characters, expected 3 (letter + two digits)`,
    };
  }
  for (let i = 1; i < 3; i++) {
    const ch = part.charAt(i);
    if (!(ch >= '0' && ch <= '9')) {
      return {
        index: i,
        message: `expected a digit 0-9 at index ${offset + i} (level 1), found ${JSON.stringify(ch)}`,
      };
    }
  }
  if (part.slice(1) === '00') {
    return { index: 1, message: `level 1 ${part} has number 00, which no unit has` };
  }
  return undefined;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
