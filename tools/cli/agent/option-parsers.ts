// Parsers of `vdx agent run` option values (commander calls them; a bad value is a usage error).
import { InvalidArgumentError } from 'commander';

/** `--poll-ms`: a whole number of milliseconds, at least 100. */
export function pollInterval(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 100) throw new InvalidArgumentError('expected a whole number of milliseconds, at least 100');
  return n;
}

/** `--statuses 01,03`: two-digit status codes separated by commas; empty for none. */
export function statusList(value: string): string[] {
  const codes = value.split(',').map((c) => c.trim()).filter((c) => c !== '');
  const bad = codes.find((c) => !/^\d{2}$/.test(c));
  if (bad !== undefined) throw new InvalidArgumentError(`expected two-digit status codes separated by commas (e.g. 01,03), not ${JSON.stringify(bad)}`);
  return codes;
}
