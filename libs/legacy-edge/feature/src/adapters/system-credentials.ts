import type { ClientTls } from '@vdx/exchange-client';
import { certificateFingerprint, loadCredentialFiles } from '@vdx/pki';
import { LegacyError } from '../protocol/legacy-error';
import { SYSTEM_ID } from '../secrets/secret-book';

/**
 * The client certificates the edge acts with, one per legacy system, from the PKI directory
 * (`systems/<systemId>.crt` and `.key`, issued by `vdx pki issue <systemId>` and bound to the
 * system's agency in the directory). The gateway then sees the system exactly as if it had
 * connected itself: same certificate fingerprint, same `mayActFor`.
 */
export class SystemCredentials {
  private readonly cache = new Map<string, ClientTls & { fingerprint: string }>();

  constructor(private readonly pkiDir: string) {}

  /** The system's credential; `LEGACY.UNKNOWN_SYSTEM` when the edge holds none for it. */
  of(systemId: string): ClientTls & { fingerprint: string } {
    const known = this.cache.get(systemId);
    if (known) return known;
    if (!SYSTEM_ID.test(systemId)) throw new LegacyError('LEGACY.UNKNOWN_SYSTEM', `not a system id: ${systemId}`);
    let tls: ClientTls;
    try {
      tls = loadCredentialFiles(this.pkiDir, `systems/${systemId}`);
    } catch {
      throw new LegacyError('LEGACY.UNKNOWN_SYSTEM', `the legacy edge holds no client certificate for system ${systemId}; issue one with vdx pki issue ${systemId}`);
    }
    const entry = { ...tls, fingerprint: certificateFingerprint(tls.certPem) };
    this.cache.set(systemId, entry);
    return entry;
  }

  /** The certificate fingerprint of the system, or undefined when the edge holds no credential for it. */
  fingerprintOf(systemId: string): string | undefined {
    try {
      return this.of(systemId).fingerprint;
    } catch {
      return undefined;
    }
  }
}
