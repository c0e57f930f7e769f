/**
 * Time is nanoseconds since the Unix epoch as bigint: 2^53 ns is only about
 * 104 days, so a JS number cannot hold today's timestamps exactly.
 */

export const NANOS_PER_MICRO = 1000n;
export const NANOS_PER_MILLI = 1_000_000n;
export const NANOS_PER_SECOND = 1_000_000_000n;

const DIGITS = /^-?\d+$/;

/**
 * Reads an integer given as a JSON number or a decimal string, exactly.
 * Returns undefined for anything else (fractions, exponents, NaN, words).
 * A number above 2^53 was already rounded by JSON parsing; strings are exact.
 */
export function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'string' && DIGITS.test(value)) return BigInt(value);
  return undefined;
}

/** ns -> ms as a float, for display and for numbers in reports. */
export function nanosToMillis(ns: bigint): number {
  return Number(ns) / 1e6;
}

/** How an unknown time or duration is shown. */
export const UNKNOWN_TIME = 'unknown';

/** ISO 8601 with nanoseconds, e.g. 2024-01-09T10:00:00.123456789Z. Out-of-range times print as ns. */
export function formatTimestamp(ns: bigint | undefined): string {
  if (ns === undefined) return UNKNOWN_TIME;
  const ms = ns / NANOS_PER_MILLI;
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return `${ns}ns`;
  const fraction = ((ns % NANOS_PER_SECOND) + NANOS_PER_SECOND) % NANOS_PER_SECOND;
  return `${date.toISOString().slice(0, 19)}.${fraction.toString().padStart(9, '0')}Z`;
}

const MINUTE = 60e9;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A human duration: 3.5d, 2.25h, 12.5min, 1.25s, 12.3ms, 450µs, 80ns. */
export function formatDuration(ns: bigint | undefined): string {
  if (ns === undefined) return UNKNOWN_TIME;
  const sign = ns < 0n ? '-' : '';
  const abs = ns < 0n ? -ns : ns;
  const n = Number(abs);
  if (n >= 2 * DAY) return `${sign}${trim(n / DAY)}d`;
  if (n >= HOUR) return `${sign}${trim(n / HOUR)}h`;
  if (n >= MINUTE) return `${sign}${trim(n / MINUTE)}min`;
  if (n >= 1e9) return `${sign}${trim(n / 1e9)}s`;
  if (n >= 1e6) return `${sign}${trim(n / 1e6)}ms`;
  if (n >= 1e3) return `${sign}${trim(n / 1e3)}µs`;
  return `${sign}${n}ns`;
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
