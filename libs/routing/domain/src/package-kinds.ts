/** edXML business document types (`businessDocType`); null is read as a new document. */
export const BusinessDocType = {
  NEW: '0',
  REVOKE: '1',
  UPDATE: '2',
  REPLACE: '3',
} as const;

/** Status codes a recipient sends back to the document's sender. */
export const RECIPIENT_STATUS_CODES: readonly string[] = Object.freeze(['01', '02', '03', '04', '05', '06', '15', '16']);

/** The status code of a recall request, which the sender sends to the document's recipients. */
export const RECALL_STATUS_CODE = '13';
