import type { Span } from '../model/span.js';
import type { Assertion, ArithmeticOperator, Expr, Term } from './assertion.js';
import { attributeValue, SELECTED_SPANS_COUNT } from './attributes.js';
import { applyFilter } from './filters.js';
import { compare, durationNanos, EvalFailure, isNumberText, showValue, textValue, type Comparison, type Value } from './values.js';

/** What an assertion is checked against: one selected span (none when the selector matched none) and how many were selected. */
export interface AssertionScope {
  span?: Span;
  selectedCount: number;
}

/** Checks an assertion in a scope. Throws EvalFailure when it cannot be decided (a missing attribute, an unknown time, a type that does not fit). */
export function checkAssertion(assertion: Assertion, scope: AssertionScope): Comparison {
  return compare(assertion.op, resolveExpr(assertion.left, scope), resolveExpr(assertion.right, scope));
}

export function resolveExpr(expr: Expr, scope: AssertionScope): Value {
  let value = resolveTerm(expr.first, scope);
  for (const { op, term } of expr.rest) value = arithmetic(op, value, resolveTerm(term, scope));
  for (const filter of expr.filters) value = applyFilter(filter.name, value, filter.args.map((arg) => resolveTerm(arg, scope)));
  return value;
}

function resolveTerm(term: Term, scope: AssertionScope): Value {
  switch (term.kind) {
    case 'literal':
      return textValue(term.text);
    case 'list':
      return { kind: 'list', items: term.items.map((item) => resolveTerm(item, scope)) };
    case 'string':
      return textValue(term.parts.map((part) => (typeof part === 'string' ? part : plainText(resolveExpr(part, scope)))).join(''));
    case 'attribute':
      return resolveAttribute(term.name, scope);
  }
}

function resolveAttribute(name: string, scope: AssertionScope): Value {
  if (name === SELECTED_SPANS_COUNT) return textValue(String(scope.selectedCount));
  const span = scope.span;
  if (!span) throw new EvalFailure('no span matched');
  const value = attributeValue(span, name) ?? (name === 'name' ? textValue(span.name) : undefined);
  if (value === undefined) throw new EvalFailure(`no attribute ${name}`);
  return value;
}

function plainText(value: Value): string {
  return value.kind === 'text' ? value.text : value.kind === 'nothing' ? '' : showValue(value);
}

/**
 * `+ - * /` on numbers and durations, left to right as Tracetest does. A
 * duration on either side makes the result a duration (numbers count as
 * nanoseconds); whole numbers stay exact, fractions are floating point.
 */
function arithmetic(op: ArithmeticOperator, left: Value, right: Value): Value {
  const a = operand(left, op);
  const b = operand(right, op);
  if (a.duration || b.duration) {
    const x = a.nanos ?? BigInt(Math.trunc(Number(a.text)));
    const y = b.nanos ?? BigInt(Math.trunc(Number(b.text)));
    if (op === '/' && y === 0n) throw new EvalFailure('division by zero');
    return textValue(`${op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y}ns`);
  }
  if (/^-?\d+$/.test(a.text) && /^-?\d+$/.test(b.text) && (op !== '/' || (BigInt(b.text) !== 0n && BigInt(a.text) % BigInt(b.text) === 0n))) {
    const [x, y] = [BigInt(a.text), BigInt(b.text)];
    return textValue(String(op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y));
  }
  const [x, y] = [Number(a.text), Number(b.text)];
  if (op === '/' && y === 0) throw new EvalFailure('division by zero');
  return textValue(String(op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y));
}

function operand(value: Value, op: ArithmeticOperator): { text: string; duration: boolean; nanos?: bigint } {
  if (value.kind === 'text') {
    const nanos = durationNanos(value.text);
    if (nanos !== undefined) return { text: value.text, duration: true, nanos };
    if (isNumberText(value.text)) return { text: value.text, duration: false };
  }
  throw new EvalFailure(`${op} works on numbers and durations, and ${showValue(value)} is neither`);
}
