import type { Collection, Db, GridFSChunk, GridFSFile, ObjectId } from 'mongodb';
import type { BlobRef } from './blob-store';

/** Prefix of the filename an upload has until its hash is known and it is finalized. */
export const PENDING_PREFIX = 'pending:';

/** The `metadata` of a blob's GridFS files document. */
export interface BlobFileMetadata {
  /** Set while the upload is not finalized; such files are invisible to readers. */
  pending?: true;
  /** The hash, once finalized (the filename is the hash too). */
  sha256?: string;
  contentType?: string;
}

/** A GridFS files document as the blob store writes it. */
export type BlobFile = GridFSFile & { metadata?: BlobFileMetadata };

/** The two collections of a bucket, and how to find the file that represents a hash. */
export class GridFsLayout {
  readonly files: Collection<BlobFile>;
  readonly chunks: Collection<GridFSChunk>;

  constructor(db: Db, bucketName: string) {
    this.files = db.collection<BlobFile>(`${bucketName}.files`);
    this.chunks = db.collection<GridFSChunk>(`${bucketName}.chunks`);
  }

  /**
   * The file representing `sha256`: if concurrent uploads finalized more than one, the oldest
   * (`uploadDate`, then `_id`) wins. They hold identical bytes, so the choice only has to be stable.
   */
  async winner(sha256: string): Promise<BlobFile | null> {
    return this.files.find({ filename: sha256 }).sort({ uploadDate: 1, _id: 1 }).limit(1).next();
  }

  /** Removes an upload (files document first, so it disappears before its chunks do). */
  async deleteUpload(id: ObjectId): Promise<void> {
    await this.files.deleteOne({ _id: id });
    await this.chunks.deleteMany({ files_id: id });
  }
}

/** The BlobRef of a finalized files document. */
export function refOf(sha256: string, file: BlobFile): BlobRef {
  const contentType = file.metadata?.contentType;
  return contentType === undefined ? { sha256, size: file.length } : { sha256, size: file.length, contentType };
}
