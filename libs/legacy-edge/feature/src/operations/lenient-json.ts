import { LegacyError } from '../protocol/legacy-error';

/**
 * Reads a JSON object as real clients send it: a byte-order mark, surrounding whitespace,
 * trailing commas and a form-encoded wrapper (`data=...`) are tolerated; anything else that is
 * not a JSON object is refused with `LEGACY.INVALID_JSON`, never a crash.
 */
export function parseLenientJson(body: Buffer): Record<string, unknown> {
  let text = body.toString('utf8').replace(/^\uFEFF/, '').trim();
  const form = /^[A-Za-z_]+=(.*)$/s.exec(text);
  if (form && !text.startsWith('{')) {
    try {
      text = decodeURIComponent(form[1]!.replace(/\+/g, ' ')).trim();
    } catch {
      throw new LegacyError('LEGACY.INVALID_JSON', 'the body is not a JSON object');
    }
  }
  if (text === '') throw new LegacyError('LEGACY.INVALID_JSON', 'the body is empty; expected a JSON object');
  const attempts = [text, text.replace(/,\s*([}\]])/g, '$1')];
  for (const attempt of attempts) {
    try {
      const parsed: unknown = JSON.parse(attempt);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      throw new LegacyError('LEGACY.INVALID_JSON', 'the body is JSON but not an object');
    } catch (err) {
      if (err instanceof LegacyError) throw err;
    }
  }
  throw new LegacyError('LEGACY.INVALID_JSON', 'the body is not a JSON object');
}
