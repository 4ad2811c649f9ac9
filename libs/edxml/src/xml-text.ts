// XML text helpers shared by the reader, the signature serializer and the writer.

const INVALID_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const TEXT_SPECIAL = /[&<>\r]/g;
const ATTRIBUTE_SPECIAL = /[&<>"\t\n\r]/g;
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const ANY_WHITESPACE = /[\t\n\r ]+/g;

const ENTITY: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

const replaceSpecial = (c: string): string => ENTITY[c] ?? c;

/** Index of the first character XML 1.0 cannot carry, or -1. */
export function invalidXmlCharIndex(s: string): number {
  const m = INVALID_XML_CHAR.exec(s);
  return m === null ? -1 : m.index;
}

/** Escapes character data; `\r` becomes a reference so it survives end-of-line normalisation. */
export function escapeText(s: string): string {
  return s.replace(TEXT_SPECIAL, replaceSpecial);
}

/** Escapes a double-quoted attribute value; whitespace becomes references so it survives normalisation. */
export function escapeAttribute(s: string): string {
  return s.replace(ATTRIBUTE_SPECIAL, replaceSpecial);
}

/** Trims XML whitespace only (not NBSP and other Unicode spaces, which are content). */
export function xmlTrim(s: string): string {
  return s.replace(EDGE_WHITESPACE, '');
}

/** Removes all XML whitespace (for base64 values). */
export function stripXmlWhitespace(s: string): string {
  return s.replace(ANY_WHITESPACE, '');
}
