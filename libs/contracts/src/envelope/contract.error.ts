/** Stable codes for everything that can go wrong turning events into bytes and back. */
export type ContractErrorCode =
  | 'CONTRACTS.UNKNOWN_EVENT_TYPE'
  | 'CONTRACTS.UNKNOWN_SCHEMA'
  | 'CONTRACTS.INVALID_PAYLOAD'
  | 'CONTRACTS.INVALID_ENVELOPE'
  | 'CONTRACTS.MISSING_HEADER'
  | 'CONTRACTS.UNDECODABLE'
  | 'CONTRACTS.DUPLICATE_SCHEMA';

/** Raised by the codec and the catalogue; `path` names the offending field when known. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(
    readonly code: ContractErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}
