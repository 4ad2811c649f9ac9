const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----/g;

/** The DER of every `CERTIFICATE` block in a PEM bundle, in order; other blocks are skipped. */
export function certificatesFromPem(pem: string): Uint8Array[] {
  return [...pem.matchAll(PEM_CERTIFICATE)].map((m) => new Uint8Array(Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64')));
}
