import { InputError } from './errors.js';
import type { Position } from './json.js';
import { toBigInt } from '../model/time.js';

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Typed access to decoded JSON for decoders. A field of the wrong type is an
 * InputError that names the file, the span's position and the field's path;
 * a missing field is the caller's default (proto3 leaves zero values out).
 *
 * A path is given as a base and an optional suffix (`span path`, `.name`) and
 * joined only on failure: building a string per field of millions of spans
 * was a fifth of the reading time.
 */
export class FieldReader {
  constructor(
    readonly file: string,
    private position: Position | undefined,
  ) {}

  at(position: Position | undefined): this {
    this.position = position;
    return this;
  }

  fail(path: string, expected: string, found: unknown, suffix = ''): never {
    throw new InputError(this.file, `${path}${suffix}: expected ${expected}, found ${describe(found)}`, this.position?.line, this.position?.column);
  }

  object(value: unknown, path: string, suffix?: string): Record<string, unknown> {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return this.fail(path, 'an object', value, suffix);
  }

  optionalObject(value: unknown, path: string, suffix?: string): Record<string, unknown> | undefined {
    return value === undefined || value === null ? undefined : this.object(value, path, suffix);
  }

  array(value: unknown, path: string, suffix?: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    return this.fail(path, 'an array', value, suffix);
  }

  string(value: unknown, path: string, suffix?: string): string {
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') return value;
    return this.fail(path, 'a string', value, suffix);
  }

  optionalString(value: unknown, path: string, suffix?: string): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, path, suffix);
  }

  /** A count or small integer (uint32): a JSON number or a decimal string. */
  count(value: unknown, path: string, suffix?: string): number {
    if (value === undefined || value === null) return 0;
    const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
    return this.fail(path, 'a non-negative integer', value, suffix);
  }

  /** An unsigned 64-bit integer, exactly (times in ns): a JSON number or a decimal string. */
  uint64(value: unknown, path: string, suffix?: string): bigint {
    if (value === undefined || value === null) return 0n;
    const n = toBigInt(value);
    if (n === undefined || n < 0n || n > UINT64_MAX) return this.fail(path, 'an unsigned 64-bit integer', value, suffix);
    return n;
  }

  /**
   * A time or duration a format leaves out when it is not known: absent, null or
   * zero (proto3's unset value; Zipkin's "absent if incomplete") is undefined,
   * never the Unix epoch.
   */
  optionalTime(value: unknown, path: string, suffix?: string): bigint | undefined {
    const n = this.uint64(value, path, suffix);
    return n === 0n ? undefined : n;
  }

  /** A signed 64-bit integer as a number when exact, else a bigint. */
  int64(value: unknown, path: string, suffix?: string): number | bigint {
    const n = toBigInt(value);
    if (n === undefined || n < INT64_MIN || n > INT64_MAX) return this.fail(path, 'a 64-bit integer', value, suffix);
    return n >= MIN_SAFE && n <= MAX_SAFE ? Number(n) : n;
  }
}

/**
 * The first of several spellings of a field that is present (camelCase or
 * snake_case). Fixed parameters, not a rest array: this runs per field of
 * every span. None of the names is a key of Object.prototype, so a plain
 * lookup is an own-property lookup.
 */
export function pick(object: Record<string, unknown>, first: string, second?: string, third?: string, fourth?: string): unknown {
  const a = object[first];
  if (a !== undefined || second === undefined) return a;
  const b = object[second];
  if (b !== undefined || third === undefined) return b;
  const c = object[third];
  if (c !== undefined || fourth === undefined) return c;
  return object[fourth];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'nothing';
  return `${typeof value} ${String(value)}`;
}
