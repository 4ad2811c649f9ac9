import { stat } from 'node:fs/promises';
import { ImportErrorCode, ImportFileError } from './errors';

/** Size in bytes of the regular file at `path`; `IMPORT.FILE_NOT_FOUND` when there is none. */
export async function fileSize(path: string): Promise<number> {
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new ImportFileError(ImportErrorCode.FILE_NOT_FOUND, `${path} is not a regular file`, { path });
    return s.size;
  } catch (err: unknown) {
    if (err instanceof ImportFileError) throw err;
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ImportFileError(ImportErrorCode.FILE_NOT_FOUND, `${path}: no such file`, { path, cause: err });
    }
    throw err;
  }
}
