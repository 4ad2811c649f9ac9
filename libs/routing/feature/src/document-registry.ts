import type { RecipientProgress, RoutedDocument } from '@vdx/routing-domain';
import type { Collection, Db } from 'mongodb';

export const ROUTING_DOCUMENTS_COLLECTION = 'routing_documents';

interface DocumentDoc {
  _id: string;
  senderCode: string;
  recipientCodes: string[];
  /** An array, not a map: agency codes contain dots, which field names may not. */
  progress?: (RecipientProgress & { recipientCode: string })[];
}

/**
 * Routing's memory of the documents it routed (DocumentId → issuer and recipients), which
 * statuses, recalls, updates and replacements are checked against. Every lookup and write goes
 * by `_id`. Written before the routing transaction commits: a redone batch writes the same
 * entry again, so the write is idempotent.
 */
export class DocumentRegistry {
  private readonly documents: Collection<DocumentDoc>;

  constructor(db: Db) {
    this.documents = db.collection<DocumentDoc>(ROUTING_DOCUMENTS_COLLECTION);
  }

  async get(documentId: string): Promise<RoutedDocument | undefined> {
    const doc = await this.documents.findOne({ _id: documentId });
    if (!doc) return undefined;
    const progress = Object.fromEntries((doc.progress ?? []).map(({ recipientCode, last, recall }) => [recipientCode, { last, recall }]));
    return { documentId: doc._id, senderCode: doc.senderCode, recipientCodes: doc.recipientCodes, ...(doc.progress?.length ? { progress } : {}) };
  }

  /** Loads the given documents into a synchronous view for the pure decision. */
  async view(documentIds: readonly (string | null)[]): Promise<Map<string, RoutedDocument>> {
    const ids = [...new Set(documentIds.filter((id): id is string => id !== null))];
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return new Map(found.filter((d): d is RoutedDocument => d !== undefined).map((d) => [d.documentId, d]));
  }

  async put(document: RoutedDocument): Promise<void> {
    await this.documents.updateOne(
      { _id: document.documentId },
      { $set: { senderCode: document.senderCode, recipientCodes: [...document.recipientCodes], progress: Object.entries(document.progress ?? {}).map(([recipientCode, p]) => ({ recipientCode, last: p.last, recall: p.recall })) } },
      { upsert: true },
    );
  }
}
