const LF = 0x0a;
const CR = 0x0d;

/**
 * Maps byte offsets of a stream to 1-based physical line numbers, counting `\n`, `\r\n` and a
 * lone `\r` as one line break each. Fed chunk by chunk ({@link scan}); queried with
 * non-decreasing offsets ({@link firstContentLineFrom}), so it forgets lines already passed.
 */
export class LineIndex {
  // Byte offset where each remembered line starts, and whether it is blank (once it ended).
  private starts: number[] = [0];
  private blank: boolean[] = [];
  private dropped = 0;
  private cursor = 0;
  private offset = 0;
  private pendingCR = false;
  private content = false;

  /** Feeds the next chunk of the stream. */
  scan(chunk: Uint8Array): void {
    for (let k = 0; k < chunk.length; k++) {
      const byte = chunk[k];
      const pos = this.offset + k;
      if (this.pendingCR) {
        this.pendingCR = false;
        if (byte !== LF) this.endLine(pos);
      }
      if (byte === LF) this.endLine(pos + 1);
      else if (byte === CR) this.pendingCR = true;
      else this.content = true;
    }
    this.offset += chunk.length;
  }

  /** Marks the end of the stream (the last line may have no line break). */
  finish(): void {
    if (this.pendingCR) {
      this.pendingCR = false;
      this.endLine(this.offset);
    }
    if (this.blank.length < this.starts.length) this.blank.push(!this.content);
  }

  /** The number of the first non-blank line starting at or after byte `offset`. */
  firstContentLineFrom(offset: number): number {
    while (this.cursor < this.starts.length - 1) {
      const start = this.starts[this.cursor] ?? 0;
      if (start >= offset && this.blank[this.cursor] !== true) break;
      this.cursor += 1;
    }
    const line = this.dropped + this.cursor + 1;
    if (this.cursor > 4096) {
      this.starts.splice(0, this.cursor);
      this.blank.splice(0, this.cursor);
      this.dropped += this.cursor;
      this.cursor = 0;
    }
    return line;
  }

  private endLine(nextStart: number): void {
    this.blank.push(!this.content);
    this.starts.push(nextStart);
    this.content = false;
  }
}
