// Reading a fetched body the way an agency's adapter would: readable edXML or not, and what the
// status replies need (the document, its issuer).
import { isEdxmlError, parseEdxml } from '@vdx/edxml';

/** What the agent needs from a fetched package. */
export type ReadBody =
  | {
      readonly ok: true;
      readonly kind: 'edoc' | 'status';
      /** The document's id (edoc), or the document a status is about. */
      readonly documentId: string;
      /** `From/OrganId`: the issuer of a document, the reporter of a status. */
      readonly fromCode: string;
      /** A status package's code (01..06, 13, 15, 16); empty for a document. */
      readonly statusCode: string;
      /** Error-severity findings (the package is still readable). */
      readonly errorFindings: number;
    }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** Parses a body; `ok: false` carries the parser's `EDXML.*` code when it is not readable edXML. */
export function readBody(body: Uint8Array): ReadBody {
  try {
    const { package: pkg, findings } = parseEdxml(body);
    const errorFindings = findings.filter((f) => f.severity === 'error').length;
    if (pkg.kind === 'edoc') {
      return { ok: true, kind: 'edoc', documentId: pkg.header.documentId ?? '', fromCode: pkg.header.from?.organId ?? '', statusCode: '', errorFindings };
    }
    const h = pkg.header;
    return { ok: true, kind: 'status', documentId: h.responseFor?.documentId ?? '', fromCode: h.from?.organId ?? '', statusCode: h.statusCode ?? '', errorFindings };
  } catch (err) {
    if (isEdxmlError(err)) return { ok: false, code: err.code, message: err.message };
    // Not the parser's own refusal: still not something the agency can take in.
    return { ok: false, code: 'EDXML.MALFORMED_XML', message: err instanceof Error ? err.message : String(err) };
  }
}
