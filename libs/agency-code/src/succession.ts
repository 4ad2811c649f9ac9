import type { AgencySnapshot } from '@vdx/contracts';

// How a document finds the agency that receives it, over any lookup of the directory's agencies
// (`DirectoryIndex` of the directory client, the routing tests' in-memory directory).

/** The longest chain of retirements followed; a longer one is treated as broken. */
export const MAX_SUCCESSION_CHAIN = 64;

/** Where a code leads: the agency that receives for it now, and the retired codes passed on the way. */
export interface Succession {
  readonly code: string;
  readonly via: string[];
}

/** Follows retired codes to their successors; undefined when unknown, or retired without a current successor (a cycle, a chain too long). */
export function resolveSuccessor(get: (code: string) => AgencySnapshot | undefined, code: string): Succession | undefined {
  const via: string[] = [];
  let current = get(code);
  while (current && current.status === 'retired') {
    if (via.length >= MAX_SUCCESSION_CHAIN || via.includes(current.code) || !current.successorCode) return undefined;
    via.push(current.code);
    current = get(current.successorCode);
  }
  return current ? { code: current.code, via } : undefined;
}

/** The agency itself when it is active with a connected system, else its nearest such ancestor (four levels at most). */
export function nearestConnected(get: (code: string) => AgencySnapshot | undefined, code: string): AgencySnapshot | undefined {
  let current = get(code);
  for (let depth = 0; current && depth < 4; depth++) {
    if (current.status === 'active' && current.systems.length > 0) return current;
    current = current.parentCode ? get(current.parentCode) : undefined;
  }
  return undefined;
}
