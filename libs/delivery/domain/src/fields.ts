import { DeliveryError } from './delivery.error';

// Field rules shared by the commands. Each returns the normalised value or throws a
// DeliveryError naming the field.

export const MAX_REASON_LENGTH = 500;
/** Push errors are machine text: longer ones are cut, never refused. */
export const MAX_ERROR_LENGTH = 1000;
const MAX_ID_LENGTH = 300;
const hasControl = (text: string): boolean => [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

function invalid(path: string, message: string): never {
  throw new DeliveryError('DELIVERY.INVALID_FIELD', message, { path });
}

/** Required one-line text: trimmed, not empty, no control characters, at most `max` long. */
export function requiredText(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string') invalid(path, `${path} is required`);
  const text = value.trim();
  if (text === '') invalid(path, `${path} is required`);
  if (text.length > max) invalid(path, `${path} is ${text.length} characters long; at most ${max} are allowed`);
  if (hasControl(text)) invalid(path, `${path} contains a control character`);
  return text;
}

/** Optional one-line text: absent or blank means none. */
export function optionalText(value: string | null | undefined, path: string, max: number): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : requiredText(value, path, max);
}

/** An identifier: required, and taken exactly as given (an identity is never silently trimmed). */
export function identifier(value: unknown, path: string): string {
  const text = requiredText(value, path, MAX_ID_LENGTH);
  if (text !== value) invalid(path, `${path} has surrounding whitespace`);
  return text;
}

/** A push error as recorded: trimmed, control characters turned into spaces, cut at {@link MAX_ERROR_LENGTH}. */
export function pushError(value: unknown): string {
  const text = typeof value === 'string' ? [...value].map((ch) => (hasControl(ch) ? ' ' : ch)).join('').trim() : '';
  if (text === '') return 'unknown error';
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
