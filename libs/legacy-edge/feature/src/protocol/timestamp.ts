/** Vietnam time: UTC+7, no daylight saving. */
const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

const two = (n: number) => String(n).padStart(2, '0');

/**
 * The reference client's `XroadVnpt-timestamp`: `ddMMyyyy'T'HHmmss+SSSS` in the client's local
 * time, where `+SSSS` is a literal `+` and the milliseconds padded to 4 digits (not a zone).
 * The edge never rejects an old one: the protocol has no freshness.
 */
export function clientTimestamp(local: { year: number; month: number; day: number; hour: number; minute: number; second: number; ms: number }): string {
  return `${two(local.day)}${two(local.month)}${local.year}T${two(local.hour)}${two(local.minute)}${two(local.second)}+${String(local.ms).padStart(4, '0')}`;
}

/** The time format of the edge's list rows: `dd/MM/yyyy HH:mm:ss`, Vietnam time; `""` for no time. */
export function legacyTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms + VIETNAM_OFFSET_MS);
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** Reads `dd/MM/yyyy` or `yyyy-MM-dd` (optionally with `HH:mm:ss`, Vietnam time) as an instant; undefined when unreadable. */
export function parseLegacyDate(text: string): number | undefined {
  const vn = /^(\d{2})\/(\d{2})\/(\d{4})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  const parts = vn ? [vn[3], vn[2], vn[1], vn[4], vn[5], vn[6]] : iso ? [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]] : undefined;
  if (!parts) return undefined;
  const [y, mo, d, h, mi, s] = parts.map((p) => Number(p ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, s) - VIETNAM_OFFSET_MS;
}
