import type { AgencyCode } from './agency-code';

/** True when `code` is `root` itself or one of its descendants. */
export function isInSubtree(code: AgencyCode, root: AgencyCode): boolean {
  return root.equals(code) || root.isAncestorOf(code);
}
