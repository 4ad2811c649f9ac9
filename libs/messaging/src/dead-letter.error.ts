/** Stable codes of the dead-letter tools (`vdx dlq topics|replay`). */
export type DeadLetterErrorCode =
  /** No `vdx.dlq.<group>` topic exists for the group named. */
  | 'DLQ.UNKNOWN_GROUP'
  /** A selected `partition:offset` holds no committed record of the dead-letter topic. */
  | 'DLQ.NOT_FOUND'
  /** A selected message has no `vdx-dlq-source` header, or names a topic/partition that is not there. */
  | 'DLQ.NO_SOURCE'
  /** Neither ids nor `--all`, or `--all` and every message already replayed or unusable. */
  | 'DLQ.NOTHING_TO_REPLAY'
  /** A selected message was replayed before (see the replay ledger); `again` replays it once more. */
  | 'DLQ.ALREADY_REPLAYED'
  /** An id that is neither `<offset>` nor `<partition>:<offset>`. */
  | 'DLQ.BAD_ID'
  /** Options that contradict each other (ids and `--all`). */
  | 'DLQ.BAD_ARGUMENTS';

/**
 * Refusal of a dead-letter operation, raised before anything is written: a replay that fails
 * with it has sent nothing. `path` names the offending argument.
 */
export class DeadLetterError extends Error {
  override readonly name = 'DeadLetterError';
  constructor(
    readonly code: DeadLetterErrorCode,
    message: string,
    readonly path?: string,
  ) {
    super(message);
  }
}
