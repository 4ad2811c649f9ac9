/**
 * The response envelope every legacy operation answers with: the strings `status`
 * (`"OK"` / `"FAIL"`), `ErrorCode` (`"0"` on success) and `ErrorDesc`, always, beside the
 * operation's own fields. The reference client crashes its host on a missing field or a JSON
 * `null`, so a null or absent value is written as `""`, and every non-ASCII character is
 * escaped as `\uXXXX` (the client reads `sendEdoc`'s answer as US-ASCII).
 */
export type JsonValue = string | number | boolean | JsonValue[] | { readonly [key: string]: JsonValue | null | undefined } | null | undefined;

export interface LegacyEnvelope {
  readonly status: 'OK' | 'FAIL';
  readonly ErrorCode: string;
  readonly ErrorDesc: string;
  readonly [field: string]: JsonValue;
}

export function ok(fields: Readonly<Record<string, JsonValue>> = {}): LegacyEnvelope {
  return { status: 'OK', ErrorCode: '0', ErrorDesc: '', ...fields };
}

/** A refusal: `fields` are the operation's own fields with their empty values (`DocId: ""`, `data: []`, …). */
export function fail(code: string, desc: string, fields: Readonly<Record<string, JsonValue>> = {}): LegacyEnvelope {
  const coded = code === '' || code === '0' ? 'LEGACY.INTERNAL' : code;
  return { ...fields, status: 'FAIL', ErrorCode: coded, ErrorDesc: desc === '' ? coded : desc };
}

const NON_ASCII = /[\u007f-\uffff]/g;

/** Compact JSON, pure ASCII, with no `null` anywhere (nulls and undefined become `""`). */
export function encodeJson(value: JsonValue): Buffer {
  const text = JSON.stringify(value, (_key, v: unknown) => (v === null || v === undefined ? '' : v));
  return Buffer.from((text ?? '""').replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), 'ascii');
}
