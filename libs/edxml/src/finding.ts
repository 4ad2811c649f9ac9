import type { EdxmlFindingCode } from './codes';

/** `error`: the package cannot be routed or interpreted as intended; `warning`: usable but non-conformant. */
export type FindingSeverity = 'error' | 'warning';

/** One problem found in a package. Plain data, safe to embed in events. */
export interface EdxmlFinding {
  readonly code: EdxmlFindingCode;
  /** Slash-separated XML path by local names, 1-based index on repeatable elements, e.g. `edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To[1]/OrganId`. */
  readonly path: string;
  readonly severity: FindingSeverity;
  readonly message: string;
}

/** True when any finding is an error. */
export function hasErrors(findings: readonly EdxmlFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** Collects findings; internal helper shared by the reader and the validator. */
export class FindingList {
  readonly items: EdxmlFinding[] = [];

  error(code: EdxmlFindingCode, path: string, message: string): void {
    this.items.push({ code, path, severity: 'error', message });
  }

  warning(code: EdxmlFindingCode, path: string, message: string): void {
    this.items.push({ code, path, severity: 'warning', message });
  }
}
