import { sortByStartTime, type Span } from '../model/span.js';
import type { Trace } from '../model/trace.js';
import { attributeValue, kindName } from './attributes.js';
import { parseSelector, type Compound, type Condition, type Selector } from './selector.js';
import { compare, EvalFailure, textValue, type Value } from './values.js';

/**
 * The spans of a trace a selector selects, in trace order (depth first from
 * the root, children by start time, as Tracetest walks a trace). A selector
 * given as text is parsed first (SelectorSyntaxError if it does not parse).
 */
export function selectSpans(trace: Trace, selector: Selector | string): Span[] {
  const parsed = typeof selector === 'string' ? parseSelector(selector) : selector;
  const order = traceOrder(trace);
  if (parsed.paths.length === 0) return [...order.spans];
  const selected = new Set<Span>();
  for (const path of parsed.paths) for (const span of selectPath(trace, order, path)) selected.add(span);
  return parsed.paths.length === 1 ? [...selected] : order.sorted(selected);
}

function selectPath(trace: Trace, order: TraceOrder, path: readonly Compound[]): Span[] {
  let spans = applyPseudo(path[0]!, order.spans.filter((span) => matches(span, path[0]!.conditions)));
  for (const compound of path.slice(1)) {
    // Below any of the spans selected so far, never one of them itself (Tracetest's rule too).
    const found = new Set<Span>();
    for (const ancestor of spans) for (const span of descendants(trace, ancestor)) if (matches(span, compound.conditions)) found.add(span);
    spans = applyPseudo(compound, order.sorted(found));
  }
  return spans;
}

function applyPseudo(compound: Compound, spans: Span[]): Span[] {
  const pseudo = compound.pseudo;
  if (!pseudo || spans.length === 0) return spans;
  if (pseudo.kind === 'first') return [spans[0]!];
  if (pseudo.kind === 'last') return [spans[spans.length - 1]!];
  return pseudo.n <= spans.length ? [spans[pseudo.n - 1]!] : [];
}

/** Every condition holds. A missing attribute reads as empty text, as in Tracetest; an unknown time matches nothing. */
export function matches(span: Span, conditions: readonly Condition[]): boolean {
  return conditions.every((condition) => {
    try {
      return compare(condition.op, propertyValue(span, condition.property), textValue(condition.value)).holds;
    } catch (error) {
      if (error instanceof EvalFailure) return false;
      throw error;
    }
  });
}

function propertyValue(span: Span, property: string): Value {
  if (property === 'name') return textValue(span.name);
  if (property === 'kind') return textValue(kindName(span));
  return attributeValue(span, property) ?? textValue('');
}

function* descendants(trace: Trace, top: Span): Generator<Span> {
  const stack = [...trace.children(top)].reverse();
  while (stack.length > 0) {
    const span = stack.pop()!;
    yield span;
    const children = trace.children(span);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

interface TraceOrder {
  spans: readonly Span[];
  /** The given spans in trace order. */
  sorted(spans: Set<Span>): Span[];
}

const orders = new WeakMap<Trace, TraceOrder>();

/**
 * Depth first from the tops (roots and orphans, by start time), children by
 * start time; spans in a parent cycle, which no walk reaches, come last.
 * Built once per trace and shared by every spec.
 */
function traceOrder(trace: Trace): TraceOrder {
  const cached = orders.get(trace);
  if (cached) return cached;
  const spans: Span[] = [];
  const tops = sortByStartTime(trace.tops);
  for (const top of tops) {
    spans.push(top);
    for (const span of descendants(trace, top)) spans.push(span);
  }
  if (spans.length < trace.spans.length) spans.push(...trace.cycleMembers());
  const index = new Map(spans.map((span, i) => [span, i]));
  const order: TraceOrder = { spans, sorted: (set) => [...set].sort((a, b) => index.get(a)! - index.get(b)!) };
  orders.set(trace, order);
  return order;
}
