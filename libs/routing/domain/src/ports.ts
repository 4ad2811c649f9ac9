import type { RecipientProgress } from './business-status';
import type { AgencySnapshot } from '@vdx/contracts';

/**
 * What routing asks the directory. Declared here (not imported from `@vdx/directory-client`) so
 * the domain stays free of other scopes; `DirectoryIndex` satisfies it structurally.
 */
export interface DirectoryView {
  /** The agency as the directory knows it now, or undefined when unknown. */
  get(code: string): AgencySnapshot | undefined;
  /**
   * Follows retired codes to the current agency that stands for `code`: `via` lists every retired
   * code passed (the requested one first; empty when `code` is current). Undefined when unknown
   * or retired without a current successor.
   */
  resolveSuccessor(code: string): { readonly code: string; readonly via: readonly string[] } | undefined;
  /** The agency itself when active with a connected system, else its nearest such ancestor. */
  nearestConnected(code: string): AgencySnapshot | undefined;
}

/** What routing remembers of a document it routed (its own state, built from its decisions). */
export interface RoutedDocument {
  readonly documentId: string;
  /** The agency that issued the document: the authority statuses go back to. */
  readonly senderCode: string;
  /** `recipientCode` of each delivery (after successor resolution), in delivery order. */
  readonly recipientCodes: readonly string[];
  /** Each recipient's business-status progress; absent until a status is routed. */
  readonly progress?: Readonly<Record<string, RecipientProgress>>;
}

/** Routing's registry of the documents it routed. */
export interface DocumentView {
  get(documentId: string): RoutedDocument | undefined;
}
