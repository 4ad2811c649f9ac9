import { AgencyCodeError, AgencyCodeErrorCode, type AgencyCodeSegment, quoteInput } from './agency-code.error';
import { type AgencyCodeParseOptions, prepareInput } from './parse-input';
import { type Level1Kind, level1KindOf } from './level1-kind';

/** The deepest used level of a code: 1 for `000.00.00.H53` … 4 for `001.20.32.H53`. */
export type AgencyCodeLevel = 1 | 2 | 3 | 4;

/** Result of a non-throwing parser: the code, or a precise error. */
export type ParseAgencyCodeResult =
  | {
      readonly ok: true;
      readonly code: AgencyCode;
      /** True when surrounding whitespace was removed from the input. */
      readonly trimmed: boolean;
    }
  | { readonly ok: false; readonly error: AgencyCodeError };

/** Length of the canonical form `DDD.DD.DD.LDD`. */
export const AGENCY_CODE_LENGTH = 13;

// One entry per character of the canonical form, lowest level first: L4.L3.L2.L1.
const SLOTS: readonly AgencyCodeSegment[] = [
  'level4', 'level4', 'level4', 'separator',
  'level3', 'level3', 'separator',
  'level2', 'level2', 'separator',
  'level1', 'level1', 'level1',
];
const LEVEL_START: Readonly<Record<'level2' | 'level3' | 'level4', number>> = {
  level4: 0,
  level3: 4,
  level2: 7,
};
const LEVEL1_START = 10;

// Assigned in AgencyCode's static block; keeps the constructor out of reach of other modules.
let construct: (level1: string, level2: number, level3: number, level4: number) => AgencyCode;

const LEVEL_NAMES: Readonly<Record<AgencyCodeSegment, string>> = {
  level1: 'level 1',
  level2: 'level 2',
  level3: 'level 3',
  level4: 'level 4',
  separator: 'separator',
};

/**
 * A valid agency identifier code (mã định danh, QCVN 102:2016), e.g. `000.20.32.H53`.
 *
 * Written lowest level first as `L4.L3.L2.L1`; a zero level is "not used". Instances are
 * immutable, only come from the parsers, and always satisfy: level 1 is an uppercase letter
 * plus a non-zero two-digit number, and used levels have no gaps (a zero level is never above a
 * used one). Compare with {@link AgencyCode.equals}; serialises to its canonical string.
 */
export class AgencyCode {
  /** Deepest used level, 1..4. */
  readonly level: AgencyCodeLevel;
  private readonly text: string;

  private constructor(
    /** Level 1 unit: letter plus two digits, e.g. `'H53'`. */
    readonly level1: string,
    /** Level 2 number, 0 when not used (0..99). */
    readonly level2: number,
    /** Level 3 number, 0 when not used (0..99). */
    readonly level3: number,
    /** Level 4 number, 0 when not used (0..999). */
    readonly level4: number,
  ) {
    this.level = level4 !== 0 ? 4 : level3 !== 0 ? 3 : level2 !== 0 ? 2 : 1;
    this.text = `${pad(level4, 3)}.${pad(level3, 2)}.${pad(level2, 2)}.${level1}`;
    Object.freeze(this);
  }

  static {
    // Module-private factory: only this file's parser may build codes, after validating them.
    construct = (level1, level2, level3, level4) => new AgencyCode(level1, level2, level3, level4);
  }

  /** The level-1 letter, e.g. `'H'`. */
  get level1Letter(): string {
    return this.level1.charAt(0);
  }

  /** The level-1 number, e.g. `53` for `H53` (the province number for `H` and `K`). */
  get level1Number(): number {
    return Number(this.level1.slice(1));
  }

  /** What kind of body the level-1 unit is, from its letter. */
  get kind(): Level1Kind {
    return level1KindOf(this.level1Letter);
  }

  /**
   * The parent unit, found by zeroing the lowest used level
   * (`000.20.32.H53` → `000.00.32.H53` → `000.00.00.H53`); `undefined` at level 1.
   */
  get parent(): AgencyCode | undefined {
    switch (this.level) {
      case 4:
        return new AgencyCode(this.level1, this.level2, this.level3, 0);
      case 3:
        return new AgencyCode(this.level1, this.level2, 0, 0);
      case 2:
        return new AgencyCode(this.level1, 0, 0, 0);
      case 1:
        return undefined;
    }
  }

  /** All ancestors, nearest first, ending with the level-1 root; empty at level 1. */
  ancestors(): AgencyCode[] {
    const result: AgencyCode[] = [];
    for (let p = this.parent; p !== undefined; p = p.parent) result.push(p);
    return result;
  }

  /** The level-1 unit this code belongs to (itself at level 1). */
  get root(): AgencyCode {
    return this.level === 1 ? this : new AgencyCode(this.level1, 0, 0, 0);
  }

  /** True when this code is a strict ancestor of `other` (never of itself). */
  isAncestorOf(other: AgencyCode): boolean {
    if (this.level >= other.level || this.level1 !== other.level1) return false;
    // No gaps, so an ancestor is a prefix from level 1 downwards of its descendant.
    if (this.level >= 2 && this.level2 !== other.level2) return false;
    if (this.level >= 3 && this.level3 !== other.level3) return false;
    return true;
  }

  /** True when both name the same unit. */
  equals(other: AgencyCode): boolean {
    return this.text === other.text;
  }

  /** The canonical 13-character form, e.g. `000.20.32.H53`. */
  toString(): string {
    return this.text;
  }

  /** Serialises as the canonical string so events and documents carry plain data. */
  toJSON(): string {
    return this.text;
  }
}

/**
 * Parses a canonical agency code `L4.L3.L2.L1` (e.g. `000.00.18.G12`) without throwing.
 *
 * Checks, in order: empty → surrounding whitespace (trimmed by default, see
 * {@link AgencyCodeParseOptions}) → length 13 → each character left to right (separators,
 * digits of levels 2–4, level 1) → level-1 number not `00` → no gaps.
 */
export function parseAgencyCode(input: string, options: AgencyCodeParseOptions = {}): ParseAgencyCodeResult {
  const prepared = prepareInput(input, options);
  if (prepared instanceof AgencyCodeError) return { ok: false, error: prepared };
  const { text, offset, trimmed } = prepared;
  const fail = (
    code: AgencyCodeErrorCode,
    message: string,
    at?: { index: number; segment: AgencyCodeSegment },
  ): ParseAgencyCodeResult => ({
    ok: false,
    error: new AgencyCodeError(code, `Agency code ${quoteInput(input)}: ${message}`, {
      input,
      ...(at ? { position: offset + at.index, segment: at.segment } : {}),
    }),
  });

  if (text.length !== AGENCY_CODE_LENGTH) {
    return fail(
      AgencyCodeErrorCode.WRONG_LENGTH,
      `has ${text.length} characters, expected ${AGENCY_CODE_LENGTH} (L4.L3.L2.L1 as 000.00.00.G22)`,
    );
  }

  for (let index = 0; index < AGENCY_CODE_LENGTH; index++) {
    const segment = SLOTS[index] ?? 'separator';
    const ch = text.charAt(index);
    const position = offset + index;
    if (segment === 'separator') {
      if (ch !== '.') {
        return fail(AgencyCodeErrorCode.BAD_FORMAT, `expected "." at index ${position}, found ${JSON.stringify(ch)}`, {
          index,
          segment,
        });
      }
    } else if (index === LEVEL1_START) {
      if (!isUpperAsciiLetter(ch)) {
        return fail(
          AgencyCodeErrorCode.BAD_LEVEL1,
          `expected an uppercase letter A-Z at index ${position} (level 1), found ${JSON.stringify(ch)}`,
          { index, segment },
        );
      }
    } else if (!isAsciiDigit(ch)) {
      return fail(
        segment === 'level1' ? AgencyCodeErrorCode.BAD_LEVEL1 : AgencyCodeErrorCode.BAD_FORMAT,
        `expected a digit 0-9 at index ${position} (${LEVEL_NAMES[segment]}), found ${JSON.stringify(ch)}`,
        { index, segment },
      );
    }
  }

  const level1 = text.slice(LEVEL1_START);
  if (level1.slice(1) === '00') {
    // Zero means "level not used", and level 1 is always used.
    return fail(AgencyCodeErrorCode.BAD_LEVEL1, `level 1 ${level1} has number 00, which no unit has`, {
      index: LEVEL1_START + 1,
      segment: 'level1',
    });
  }
  const level4 = Number(text.slice(0, 3));
  const level3 = Number(text.slice(4, 6));
  const level2 = Number(text.slice(7, 9));

  // Highest level first: the first used level below a zero one is the gap.
  const levels = [
    ['level2', level2],
    ['level3', level3],
    ['level4', level4],
  ] as const;
  let zeroAbove: AgencyCodeSegment | undefined;
  for (const [segment, value] of levels) {
    if (value === 0) {
      zeroAbove ??= segment;
    } else if (zeroAbove !== undefined) {
      return fail(
        AgencyCodeErrorCode.GAP,
        `${LEVEL_NAMES[segment]} is used while ${LEVEL_NAMES[zeroAbove]} is 00`,
        { index: LEVEL_START[segment], segment },
      );
    }
  }

  return { ok: true, code: construct(level1, level2, level3, level4), trimmed };
}

/**
 * Parses a canonical agency code, throwing {@link AgencyCodeError} when malformed.
 * Same rules as {@link parseAgencyCode}.
 */
export function parseAgencyCodeOrThrow(input: string, options: AgencyCodeParseOptions = {}): AgencyCode {
  const result = parseAgencyCode(input, options);
  if (!result.ok) throw result.error;
  return result.code;
}

/**
 * True when `input` is exactly a valid canonical code: no surrounding whitespace allowed
 * (validation answers "may this string be stored/sent as is?").
 */
export function isValidAgencyCode(input: string): boolean {
  return parseAgencyCode(input, { whitespace: 'reject' }).ok;
}

/** The canonical 13-character form of a code (same as `code.toString()`). */
export function formatAgencyCode(code: AgencyCode): string {
  return code.toString();
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function isAsciiDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}

function isUpperAsciiLetter(ch: string): boolean {
  return ch >= 'A' && ch <= 'Z';
}
