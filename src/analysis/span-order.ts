import { hexDigits8 } from '../model/ids.js';
import type { Span } from '../model/span.js';

/**
 * Sorts items by their span's trace id, span id, then place in the input; ties
 * keep their order, as in a stable sort. The cross-trace summary is put in this
 * order (so shards merge to one run's summary), and a big trace gives it
 * hundreds of thousands of spans: comparing their ids as strings cost over a
 * second at 666k (V8 compares unequal strings slowly), comparing them as
 * numbers a seventh of that. Ids of normal form (lowercase hex of one length)
 * are read as numbers, 8 hex digits to a number, which keeps their order;
 * a list with any other id is compared as strings.
 */
export function sortBySpan<T>(items: T[], spanOf: (item: T) => Span): void {
  const n = items.length;
  if (n < 2) return;
  const spans = items.map(spanOf);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const keys = numericKeys(spans);
  if (keys) {
    const { trace, span } = keys;
    order.sort((a, b) => compareChunks(trace, a, b, TRACE_CHUNKS) || compareChunks(span, a, b, SPAN_CHUNKS) || bySource(spans[a]!.source, spans[b]!.source) || a - b);
  } else {
    const traceIds = spans.map((s) => s.traceId);
    const spanIds = spans.map((s) => s.spanId);
    order.sort((a, b) => compare(traceIds[a]!, traceIds[b]!) || compare(spanIds[a]!, spanIds[b]!) || bySource(spans[a]!.source, spans[b]!.source) || a - b);
  }
  const copy = items.slice();
  for (let i = 0; i < n; i++) items[i] = copy[order[i]!]!;
}

/**
 * Lists each in span order (as sortBySpan leaves them), as one list in that
 * order: what a stable sort of them joined would give, ties to the earlier
 * list, in one pass rather than a sort (shards' summaries merge this way).
 * Lists not in span order are joined and sorted.
 */
export function mergeBySpan<T>(lists: ReadonlyArray<readonly T[]>, spanOf: (item: T) => Span): T[] {
  const inOrder = (list: readonly T[]): boolean => list.every((item, i) => i === 0 || compareSpans(spanOf(list[i - 1]!), spanOf(item)) <= 0);
  if (!lists.every(inOrder)) {
    const joined = lists.flatMap((list) => [...list]);
    sortBySpan(joined, spanOf);
    return joined;
  }
  return lists.reduce<T[]>((merged, list) => mergeTwo(merged, list, spanOf), []);
}

function mergeTwo<T>(a: readonly T[], b: readonly T[], spanOf: (item: T) => Span): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareSpans(spanOf(a[i]!), spanOf(b[j]!)) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

/** Trace id, span id, then place in the input: sortBySpan's order (ids of normal form compare as strings as they do as numbers). */
function compareSpans(a: Span, b: Span): number {
  return compare(a.traceId, b.traceId) || compare(a.spanId, b.spanId) || bySource(a.source, b.source);
}

const TRACE_CHUNKS = 4;
const SPAN_CHUNKS = 2;

/** Each span's trace and span id as 8-hex-digit numbers, or undefined when an id is not of normal form. */
function numericKeys(spans: readonly Span[]): { trace: Uint32Array; span: Uint32Array } | undefined {
  const trace = new Uint32Array(spans.length * TRACE_CHUNKS);
  const span = new Uint32Array(spans.length * SPAN_CHUNKS);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    if (!readChunks(s.traceId, TRACE_CHUNKS, trace, i * TRACE_CHUNKS) || !readChunks(s.spanId, SPAN_CHUNKS, span, i * SPAN_CHUNKS)) return undefined;
  }
  return { trace, span };
}

/** Writes `chunks` numbers of 8 hex digits each; false unless the id is exactly that many lowercase hex digits. */
function readChunks(id: string, chunks: number, into: Uint32Array, at: number): boolean {
  if (id.length !== chunks * 8) return false;
  for (let c = 0; c < chunks; c++) {
    const value = hexDigits8(id, c * 8);
    if (value < 0) return false;
    into[at + c] = value;
  }
  return true;
}

function compareChunks(keys: Uint32Array, a: number, b: number, chunks: number): number {
  for (let c = 0; c < chunks; c++) {
    const d = keys[a * chunks + c]! - keys[b * chunks + c]!;
    if (d !== 0) return d;
  }
  return 0;
}

function bySource(a: Span['source'], b: Span['source']): number {
  return compare(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

function compare(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
