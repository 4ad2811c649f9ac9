/**
 * Where one recipient stands with one document, as far as its business statuses go: the last
 * processing status it reported (01…06) and the state of a recall (13 from the sender, 15 agreed
 * or 16 refused by the recipient).
 */
export interface RecipientProgress {
  readonly last: string | null;
  readonly recall: 'none' | 'requested' | 'agreed' | 'refused';
}

export const NO_PROGRESS: RecipientProgress = Object.freeze({ last: null, recall: 'none' });

const PROCESSING = ['01', '02', '03', '04', '05', '06'];

/**
 * Why `code` cannot follow `progress`, or null when it may. Processing statuses only move
 * forward (a repeat is harmless); 02 (returned) ends processing; nothing but the same answer
 * follows an agreed recall; 15 and 16 answer a pending recall only.
 */
export function impossibleTransition(progress: RecipientProgress, code: string): string | null {
  // The same answer again (a resend, or a routing step redone after a crash) is harmless.
  if ((code === '15' && progress.recall === 'agreed') || (code === '16' && progress.recall === 'refused')) return null;
  if (progress.recall === 'agreed') return `the recipient agreed to a recall: the document is withdrawn, so ${code} cannot follow`;
  if (PROCESSING.includes(code)) {
    if (progress.last === null || progress.last === code) return null;
    if (progress.last === '02') return `the recipient returned the document (02): ${code} cannot follow`;
    if (code < progress.last) return `status ${code} cannot follow ${progress.last}: processing statuses only move forward`;
    if (code === '02' && progress.last >= '03') return `a document already taken in (${progress.last}) cannot be returned (02)`;
    return null;
  }
  if (code === '15' || code === '16') {
    if (progress.recall === 'requested') return null;
    return progress.recall === 'none' ? `no recall is pending: ${code} answers a recall request (13)` : `the recall was already answered (${progress.recall})`;
  }
  if (code === '13') return null;
  return `status ${code} is not a business status`;
}

/** The progress after an accepted `code`. */
export function progressAfter(progress: RecipientProgress, code: string): RecipientProgress {
  if (PROCESSING.includes(code)) return { ...progress, last: code };
  if (code === '13') return { ...progress, recall: 'requested' };
  if (code === '15') return { ...progress, recall: 'agreed' };
  if (code === '16') return { ...progress, recall: 'refused' };
  return progress;
}
