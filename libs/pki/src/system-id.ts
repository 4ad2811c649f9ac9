import { PkiError, PkiErrorCode } from './pki.error';

/** A connected system's id: a letter or digit, then up to 127 of `A-Z a-z 0-9 . _ : -`. */
export const SYSTEM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** Returns `systemId` when it matches {@link SYSTEM_ID_PATTERN}; throws `PKI.INVALID_SYSTEM_ID` otherwise. */
export function assertSystemId(systemId: string): string {
  if (typeof systemId !== 'string' || !SYSTEM_ID_PATTERN.test(systemId)) {
    throw new PkiError(PkiErrorCode.INVALID_SYSTEM_ID, `invalid system id ${JSON.stringify(systemId)}: expected a letter or digit, then up to 127 of A-Z a-z 0-9 . _ : -`);
  }
  return systemId;
}
