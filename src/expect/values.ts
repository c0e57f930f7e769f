import { formatDuration } from '../model/time.js';

/**
 * Values of the selector and assertion languages, compared as Tracetest
 * compares them: a value is text, and its type (number, duration, JSON,
 * string) is read from the text itself, so `attr:http.status_code = 200`
 * holds whether the attribute is the integer 200 or the string "200". Lists
 * (array attributes, array literals, filters with several results) stay lists.
 */
export type Value = { kind: 'text'; text: string } | { kind: 'list'; items: Value[] } | { kind: 'nothing' };

export function textValue(text: string): Value {
  return { kind: 'text', text };
}

export const NOTHING: Value = { kind: 'nothing' };

export const COMPARATORS = ['=', '!=', '<', '<=', '>', '>=', 'contains', 'not-contains'] as const;
export type Comparator = (typeof COMPARATORS)[number];

/** An assertion that cannot be decided for a span: the value is missing, unknown, or of the wrong type. */
export class EvalFailure extends Error {
  override name = 'EvalFailure';
}

const NUMBER = /^-?\d+(?:\.\d+)?$/;
const DURATION = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/;

/** Tracetest's time units, in nanoseconds. */
export const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

export function isNumberText(text: string): boolean {
  return NUMBER.test(text);
}

/** `500ms`, `1.5s` -> nanoseconds (fractions of a nanosecond dropped, as Tracetest does); undefined for other text. */
export function durationNanos(text: string): bigint | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const [whole, fraction = ''] = match[1]!.split('.');
  const unit = DURATION_UNITS[match[2]!]!;
  return (BigInt(whole! + fraction) * unit) / 10n ** BigInt(fraction.length);
}

/** The type name Tracetest's `type` filter gives. */
export function typeName(value: Value): string {
  if (value.kind === 'list') return 'array';
  if (value.kind === 'nothing') return 'nil';
  if (NUMBER.test(value.text)) return 'number';
  if (DURATION.test(value.text)) return 'duration';
  return parseJson(value.text) !== undefined ? 'json' : 'string';
}

/** How a value appears in a message: numbers and durations bare, strings quoted, lists in brackets. */
export function showValue(value: Value): string {
  if (value.kind === 'nothing') return 'nothing';
  if (value.kind === 'list') return `[${value.items.map(showValue).join(', ')}]`;
  if (NUMBER.test(value.text) || DURATION.test(value.text) || value.text === 'true' || value.text === 'false') return value.text;
  return JSON.stringify(value.text.length > 120 ? `${value.text.slice(0, 119)}…` : value.text);
}

export interface Comparison {
  holds: boolean;
  /** The left side as it was compared (a duration when the comparison was in time). */
  found: string;
}

/**
 * `left OP right`. When either side is a duration both are compared in
 * nanoseconds (a plain number counts as nanoseconds, as Tracetest stores
 * span durations); `<`, `<=`, `>`, `>=` need numbers; `=` and `!=` compare
 * text, and numbers by value (so 1.50 = 1.5); `contains` looks for text in
 * text, an item in a list, or a JSON object inside a JSON object or array.
 */
export function compare(op: Comparator, left: Value, right: Value): Comparison {
  const leftNs = asDuration(left);
  const rightNs = asDuration(right);
  if ((leftNs !== undefined && leftNs !== 'no') || (rightNs !== undefined && rightNs !== 'no')) {
    if (op === 'contains' || op === 'not-contains') return { holds: contains(left, right) === (op === 'contains'), found: showValue(left) };
    const a = timeOf(left, leftNs);
    const b = timeOf(right, rightNs);
    return { holds: order(op, a < b ? -1 : a > b ? 1 : 0), found: formatDuration(a) };
  }
  const found = showValue(left);
  switch (op) {
    case '=':
      return { holds: equal(left, right), found };
    case '!=':
      return { holds: !equal(left, right), found };
    case 'contains':
      return { holds: contains(left, right), found };
    case 'not-contains':
      return { holds: !contains(left, right), found };
    default:
      return { holds: order(op, compareNumbers(numberText(left, op), numberText(right, op))), found };
  }
}

/** undefined: not text; 'no': text that is not a duration; else the duration in ns. */
function asDuration(value: Value): bigint | 'no' | undefined {
  if (value.kind !== 'text') return undefined;
  return durationNanos(value.text) ?? 'no';
}

function timeOf(value: Value, ns: bigint | 'no' | undefined): bigint {
  if (typeof ns === 'bigint') return ns;
  if (value.kind === 'text' && /^-?\d+$/.test(value.text)) return BigInt(value.text);
  if (value.kind === 'text' && NUMBER.test(value.text)) return BigInt(value.text.split('.')[0]!);
  throw new EvalFailure(`${showValue(value)} is not a duration`);
}

function order(op: Comparator, sign: number): boolean {
  switch (op) {
    case '<':
      return sign < 0;
    case '<=':
      return sign <= 0;
    case '>':
      return sign > 0;
    case '>=':
      return sign >= 0;
    case '=':
      return sign === 0;
    default:
      return sign !== 0;
  }
}

function numberText(value: Value, op: Comparator): string {
  if (value.kind === 'text' && NUMBER.test(value.text)) return value.text;
  throw new EvalFailure(`${op} compares numbers, and ${showValue(value)} is not one`);
}

/** Exact comparison of two decimal texts (no rounding through floating point). */
export function compareNumbers(a: string, b: string): number {
  const [x, y] = [decimal(a), decimal(b)];
  const scale = Math.max(x.fraction.length, y.fraction.length);
  const scaled = (d: { sign: bigint; whole: string; fraction: string }): bigint => d.sign * BigInt(d.whole + d.fraction.padEnd(scale, '0'));
  const difference = scaled(x) - scaled(y);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

function decimal(text: string): { sign: bigint; whole: string; fraction: string } {
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  return { sign: negative ? -1n : 1n, whole: whole!, fraction };
}

function equal(left: Value, right: Value): boolean {
  if (left.kind === 'nothing' || right.kind === 'nothing') return textOf(left) === textOf(right);
  if (left.kind === 'list' || right.kind === 'list') {
    const a = asList(left);
    const b = asList(right);
    return a !== undefined && b !== undefined && a.length === b.length && a.every((item, i) => equal(item, b[i]!));
  }
  if (left.text === right.text) return true;
  return NUMBER.test(left.text) && NUMBER.test(right.text) && compareNumbers(left.text, right.text) === 0;
}

function textOf(value: Value): string {
  return value.kind === 'text' ? value.text : value.kind === 'nothing' ? '' : JSON.stringify(value.items.map(textOf));
}

/** A list, or text holding a JSON array, as items. */
function asList(value: Value): Value[] | undefined {
  if (value.kind === 'list') return value.items;
  if (value.kind !== 'text') return undefined;
  const parsed = parseJson(value.text);
  return Array.isArray(parsed) ? parsed.map(jsonToValue) : undefined;
}

function contains(left: Value, right: Value): boolean {
  if (left.kind === 'list') return left.items.some((item) => equal(item, right));
  if (left.kind === 'nothing') return right.kind === 'text' && right.text === '';
  if (right.kind !== 'text') return false;
  const expected = parseJson(right.text);
  if (isObject(expected)) {
    const actual = parseJson(left.text);
    if (isObject(actual)) return objectContains(actual, expected);
    if (Array.isArray(actual)) return actual.some((item) => isObject(item) && objectContains(item, expected));
  }
  if (Array.isArray(expected) && expected.every(isObject)) {
    const actual = parseJson(left.text);
    if (Array.isArray(actual)) return expected.every((wanted) => actual.some((item) => isObject(item) && objectContains(item, wanted as Record<string, unknown>)));
  }
  return left.text.includes(right.text);
}

/** Every key of `expected` is in `actual` with an equal value; objects compared the same way, recursively (Jest's toMatchObject). */
function objectContains(actual: Record<string, unknown>, expected: Record<string, unknown>): boolean {
  return Object.entries(expected).every(([key, wanted]) => {
    if (!Object.hasOwn(actual, key)) return false;
    const value = actual[key];
    if (isObject(wanted)) return isObject(value) && objectContains(value, wanted);
    return JSON.stringify(value) === JSON.stringify(wanted);
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text (an object or array) parsed; undefined for anything else. */
export function parseJson(text: string): unknown {
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A JSON value as a language value: scalars as their text, arrays as lists, objects as JSON text. */
export function jsonToValue(value: unknown): Value {
  if (Array.isArray(value)) return { kind: 'list', items: value.map(jsonToValue) };
  if (typeof value === 'string') return textValue(value);
  if (value === null || typeof value !== 'object') return textValue(String(value));
  return textValue(JSON.stringify(value));
}
