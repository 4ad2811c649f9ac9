import { DocumentChangedEvent, isEvent, type EventEnvelope } from '@vdx/contracts';
import type { Projection, ReadModelWrite } from '@vdx/event-sourcing';
import type { RecipientProgress, RoutedDocument } from '@vdx/routing-domain';
import type { Collection, Db } from 'mongodb';

export const ROUTING_DOCUMENTS_COLLECTION = 'routing_documents';

interface DocumentDoc {
  _id: string;
  senderCode: string;
  recipientCodes: string[];
  /** An array, not a map: agency codes contain dots, which field names may not. */
  progress?: (RecipientProgress & { recipientCode: string })[];
  version?: number;
}

/**
 * `routing_documents`: each document routing decided on (issuer, recipients, each recipient's
 * progress), one per DocumentId, projected from `DocumentChanged` (which carries the whole
 * state). `vdx replay routing-documents` rebuilds it.
 */
export function routingDocumentsProjection(topic: string, name = 'routing-documents', collection = ROUTING_DOCUMENTS_COLLECTION): Projection {
  return {
    name,
    topics: [topic],
    collections: [collection],
    project(event: EventEnvelope): ReadModelWrite[] {
      if (!isEvent(DocumentChangedEvent, event)) return [];
      const p = event.payload;
      return [
        {
          collection,
          id: p.documentId,
          ...(event.aggregateSeq === 1 ? { creates: true } : {}),
          update: { $set: { senderCode: p.senderCode, recipientCodes: [...p.recipientCodes], progress: p.progress.map((x) => ({ ...x })), version: event.aggregateSeq } },
        },
      ];
    },
  };
}

/**
 * Reads the routing documents projection by `_id`: what routing's owner consults for a document
 * of another partition (the one an update or a replacement builds on).
 */
export class DocumentRegistry {
  private readonly documents: Collection<DocumentDoc>;

  constructor(db: Db, collection = ROUTING_DOCUMENTS_COLLECTION) {
    this.documents = db.collection<DocumentDoc>(collection);
  }

  async get(documentId: string): Promise<{ document: RoutedDocument; version: number } | undefined> {
    const doc = await this.documents.findOne({ _id: documentId });
    if (!doc) return undefined;
    const progress = Object.fromEntries((doc.progress ?? []).map(({ recipientCode, last, recall }) => [recipientCode, { last, recall }]));
    return { document: { documentId: doc._id, senderCode: doc.senderCode, recipientCodes: doc.recipientCodes, ...(doc.progress?.length ? { progress } : {}) }, version: doc.version ?? 0 };
  }
}
