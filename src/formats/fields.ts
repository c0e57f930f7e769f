import { InputError } from './errors.js';
import type { Position } from './json.js';
import { toBigInt } from '../model/time.js';

/**
 * Typed access to decoded JSON for decoders. A field of the wrong type is an
 * InputError that names the file, the span's position and the field's path;
 * a missing field is the caller's default (proto3 leaves zero values out).
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

  fail(path: string, expected: string, found: unknown): never {
    throw new InputError(this.file, `${path}: expected ${expected}, found ${describe(found)}`, this.position?.line, this.position?.column);
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return this.fail(path, 'an object', value);
  }

  optionalObject(value: unknown, path: string): Record<string, unknown> | undefined {
    return value === undefined || value === null ? undefined : this.object(value, path);
  }

  array(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (Array.isArray(value)) return value;
    return this.fail(path, 'an array', value);
  }

  string(value: unknown, path: string, fallback = ''): string {
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string') return value;
    return this.fail(path, 'a string', value);
  }

  optionalString(value: unknown, path: string): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, path);
  }

  /** A count or small integer (uint32): a JSON number or a decimal string. */
  count(value: unknown, path: string): number {
    if (value === undefined || value === null) return 0;
    const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
    return this.fail(path, 'a non-negative integer', value);
  }

  /** An unsigned 64-bit integer, exactly (times in ns): a JSON number or a decimal string. */
  uint64(value: unknown, path: string): bigint {
    if (value === undefined || value === null) return 0n;
    const n = toBigInt(value);
    if (n === undefined || n < 0n || n >= 1n << 64n) return this.fail(path, 'an unsigned 64-bit integer', value);
    return n;
  }

  /** A signed 64-bit integer as a number when exact, else a bigint. */
  int64(value: unknown, path: string): number | bigint {
    const n = toBigInt(value);
    if (n === undefined || n < -(1n << 63n) || n >= 1n << 63n) return this.fail(path, 'a 64-bit integer', value);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
}

/** The first of several spellings of a field that is present (camelCase or snake_case). */
export function pick(object: Record<string, unknown>, ...keys: string[]): unknown {
  for (const key of keys) {
    if (Object.hasOwn(object, key)) return object[key];
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'nothing';
  return `${typeof value} ${String(value)}`;
}
