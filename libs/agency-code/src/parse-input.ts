import { AgencyCodeError, AgencyCodeErrorCode, quoteInput } from './agency-code.error';

/** How parsers treat whitespace around the code. */
export interface AgencyCodeParseOptions {
  /**
   * `'trim'` (default): surrounding whitespace is removed and reported as `trimmed: true`
   * in the result. `'reject'`: surrounding whitespace is an `AGENCY_CODE.WHITESPACE` error.
   * Whitespace inside a code is always an error.
   */
  readonly whitespace?: 'trim' | 'reject';
}

/** Input after whitespace handling: the text to parse and where it starts in the original. */
export interface PreparedInput {
  readonly text: string;
  readonly offset: number;
  readonly trimmed: boolean;
}

// Shared by the canonical and compact parsers so both treat whitespace the same way.
export function prepareInput(
  input: string,
  options: AgencyCodeParseOptions,
): PreparedInput | AgencyCodeError {
  // String.prototype.trim also strips NBSP and the BOM, both seen in CSV and XML exports.
  const text = input.trim();
  if (text.length === 0) {
    return new AgencyCodeError(AgencyCodeErrorCode.EMPTY, input.length === 0 ? 'Agency code is empty' : `Agency code ${quoteInput(input)} is only whitespace`, { input });
  }
  const offset = input.length - input.trimStart().length;
  const trimmed = text.length !== input.length;
  if (trimmed && (options.whitespace ?? 'trim') === 'reject') {
    const position = offset > 0 ? 0 : offset + text.length;
    return new AgencyCodeError(AgencyCodeErrorCode.WHITESPACE, `Agency code ${quoteInput(input)} has surrounding whitespace at index ${position}`, { input, position });
  }
  return { text, offset, trimmed };
}
