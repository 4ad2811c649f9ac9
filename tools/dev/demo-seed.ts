// Demo agencies for `npm start`: two connected systems that can exchange documents at once,
// so `npm run vdx -- agent …` works on a fresh sandbox. Idempotent: what exists is kept.
import { DirectoryCallError, DirectoryClient } from '@vdx/directory-client';
import { certificateFingerprint, DEFAULT_OPERATOR, issueSystemInDirectory, loadCredentialFiles, pkiPaths } from '@vdx/pki';
import { existsSync } from 'node:fs';

/** The demo: the Government Office, and Tây Ninh province whose hub also serves a department. */
export const DEMO_AGENCIES = [
  { code: '000.00.00.G22', name: 'Văn phòng Chính phủ', systemId: 'demo-vpcp' },
  { code: '000.00.00.H53', name: 'UBND tỉnh Tây Ninh', systemId: 'demo-tayninh' },
  { code: '000.00.32.H53', name: 'Sở Tài chính tỉnh Tây Ninh', systemId: null },
] as const;

const tolerate = (code: string) => (err: unknown) => {
  if (!(err instanceof DirectoryCallError && err.code === code)) throw err;
};

/** Registers the demo agencies, issues their systems' certificates if missing and connects them, as the local operator (mutual TLS). */
export async function seedDemo(pkiDir: string, directoryUrl: string, log: (line: string) => void): Promise<void> {
  const directory = new DirectoryClient(directoryUrl, loadCredentialFiles(pkiDir, `operators/${DEFAULT_OPERATOR}`));
  try {
    await directory.waitForReady(120_000);
    for (const a of DEMO_AGENCIES) {
      await directory.rpc('RegisterAgency', { code: a.code, name: a.name }).catch(tolerate('DIRECTORY.DUPLICATE_CODE'));
      if (!a.systemId) continue;
      const paths = pkiPaths(pkiDir).system(a.systemId);
      const fingerprint = existsSync(paths.certPath)
        ? certificateFingerprint(loadCredentialFiles(pkiDir, `systems/${a.systemId}`).certPem)
        : (await issueSystemInDirectory(pkiDir, a.systemId)).fingerprint;
      await directory.rpc('ConnectSystem', { code: a.code, systemId: a.systemId, credentialFingerprint: fingerprint });
    }
    log(`demo agencies ready: ${DEMO_AGENCIES.map((a) => `${a.code}${a.systemId ? ` (system ${a.systemId})` : ''}`).join(', ')}`);
    log('try: npm run vdx -- agent inbox --system demo-tayninh   (and agent send <file.edxml> --system demo-vpcp --as 000.00.00.G22)');
  } finally {
    directory.close();
  }
}
