import { nearestConnected, resolveSuccessor } from '@vdx/agency-code';
import type { AgencySnapshot } from '@vdx/contracts';

/** Where a document for `requested` goes, and why. */
export interface SuccessorResolution {
  readonly code: string;
  /** Every retired code passed through, the requested one first; empty when it is current. */
  readonly via: readonly string[];
}

/**
 * The directory in memory, indexed for the questions the exchange asks on every package:
 * successor chains, the nearest connected ancestor, and which agencies a client certificate
 * may act for. Fed with snapshots (newest version wins); pure, no I/O.
 */
export class DirectoryIndex {
  private readonly agencies = new Map<string, AgencySnapshot>();
  private readonly byCredential = new Map<string, Set<string>>();

  get size(): number {
    return this.agencies.size;
  }

  get(code: string): AgencySnapshot | undefined {
    return this.agencies.get(code);
  }

  /** Stores a snapshot unless a newer version is already held; true when it was stored. */
  put(snapshot: AgencySnapshot): boolean {
    const known = this.agencies.get(snapshot.code);
    // A compacted topic can hold an older record beside a newer one until it compacts.
    if (known && known.version > snapshot.version) return false;
    if (known) for (const s of known.systems) this.byCredential.get(s.credentialFingerprint)?.delete(known.code);
    this.agencies.set(snapshot.code, snapshot);
    for (const s of snapshot.systems) {
      const codes = this.byCredential.get(s.credentialFingerprint) ?? new Set<string>();
      codes.add(snapshot.code);
      this.byCredential.set(s.credentialFingerprint, codes);
    }
    return true;
  }

  /** Follows retired codes to their successors; undefined when unknown or retired without a current successor. */
  resolveSuccessor(code: string): SuccessorResolution | undefined {
    return resolveSuccessor((c) => this.agencies.get(c), code);
  }

  /** The agency itself when it is active with a connected system, else its nearest such ancestor. */
  nearestConnected(code: string): AgencySnapshot | undefined {
    return nearestConnected((c) => this.agencies.get(c), code);
  }

  /** Active agencies where a system with this certificate fingerprint is connected. */
  agenciesOfCredential(fingerprint: string): AgencySnapshot[] {
    return [...(this.byCredential.get(fingerprint) ?? [])]
      .map((code) => this.agencies.get(code)!)
      .filter((a) => a.status === 'active')
      .sort((a, b) => a.code.localeCompare(b.code));
  }

  /**
   * Whether the system holding this certificate may send as `code` and read its inbox: the
   * agency's own connected system, or the nearest connected ancestor's when it has none (a
   * province hub acts for its units). Retired, suspended and unknown agencies: never.
   */
  mayActFor(fingerprint: string, code: string): boolean {
    const agency = this.agencies.get(code);
    if (!agency || agency.status !== 'active') return false;
    const hub = this.nearestConnected(code);
    return hub !== undefined && hub.systems.some((s) => s.credentialFingerprint === fingerprint);
  }
}
