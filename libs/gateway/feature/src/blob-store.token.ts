/** The gateway's blob store (package bodies): files under `blobDir`, or the document store. */
export const BLOB_STORE = Symbol('GATEWAY_BLOB_STORE');
