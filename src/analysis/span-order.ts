import { hexChunks } from '../model/ids.js';
import type { Span } from '../model/span.js';
import { StoredSpanView } from '../model/stored-span-view.js';

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
export function sortBySpan<T>(items: T[], spanOf: (item: T) => Span, keepKeys = false): void {
  const n = items.length;
  if (n < 2) return;
  const spans = items.map(spanOf);
  const ranked = keepKeys ? undefined : storeOrder(spans);
  if (ranked !== undefined) {
    permute(items, ranked);
    return;
  }
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
  permute(items, order);
  // Kept for a merge to come (keysOfList), when asked: 32 bytes an item while the list lives.
  if (keys && keepKeys) rememberKeys(items, { trace: permuted(keys.trace, order, TRACE_CHUNKS), span: permuted(keys.span, order, SPAN_CHUNKS) });
}

function permute<T>(items: T[], order: Uint32Array): void {
  const copy = items.slice();
  for (let i = 0; i < order.length; i++) items[i] = copy[order[i]!]!;
}

/**
 * The order sortBySpan gives spans that are all views of one store whose ids
 * are all of normal form, made from the store's columns: by the trace's rank
 * in trace-id order (SpanColumns.traceRanks) with a counting sort, stable,
 * then each run of one trace by span id and source. The summary's lists come
 * trace by trace, so the runs are short: no comparison of trace ids per item
 * (at 500k single-span traces the comparison sort cost 0.9 s). Undefined
 * otherwise (compare ids then).
 */
function storeOrder(spans: readonly Span[]): Uint32Array | undefined {
  const first = spans[0];
  if (!(first instanceof StoredSpanView)) return undefined;
  const store = first.store;
  const ranks = store.traceRanks();
  if (ranks === undefined) return undefined;
  const n = spans.length;
  const rank = new Uint32Array(n);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const view = spans[i];
    if (!(view instanceof StoredSpanView) || view.store !== store || !store.packedSpanId(view.row, hi, lo, i)) return undefined;
    rank[i] = ranks[store.traceIndexOf(view.row)]!;
  }
  const next = new Uint32Array(ranks.length + 1);
  for (let i = 0; i < n; i++) next[rank[i]! + 1] = next[rank[i]! + 1]! + 1;
  for (let r = 0; r < ranks.length; r++) next[r + 1] = next[r + 1]! + next[r]!;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[next[rank[i]!]!++] = i;
  const bySpan = (a: number, b: number): number => hi[a]! - hi[b]! || lo[a]! - lo[b]! || bySource(spans[a]!.source, spans[b]!.source) || a - b;
  for (let from = 0; from < n; ) {
    let to = from + 1;
    while (to < n && rank[order[to]!] === rank[order[from]!]) to++;
    if (to - from > 1) order.subarray(from, to).sort(bySpan);
    from = to;
  }
  return order;
}

/** Each item's ids as numbers, as numericKeys makes them. */
export interface SpanKeys {
  trace: Uint32Array;
  span: Uint32Array;
}

/**
 * The keys of a list sortBySpan put in order, in that order, for a merge to
 * compare without reading the items again (read again from half a million
 * views, a list's ids cost 0.6 s: the views lie all over memory).
 */
const listKeys = new WeakMap<readonly unknown[], { keys: SpanKeys; items: readonly unknown[] }>();

/** The keys sortBySpan left with a list (with keepKeys, or another thread sent with it), while the list holds the same items in the same order. */
export function keysOfList(list: readonly unknown[]): SpanKeys | undefined {
  const kept = listKeys.get(list);
  if (!kept || kept.items.length !== list.length) return undefined;
  for (let i = 0; i < list.length; i++) if (list[i] !== kept.items[i]) return undefined;
  return kept.keys;
}

/** Keys that go with a list in its order (a list rebuilt from another thread's). */
export function rememberKeys(list: readonly unknown[], keys: SpanKeys): void {
  listKeys.set(list, { keys, items: list.slice() });
}

function permuted(keys: Uint32Array, order: Uint32Array, chunks: number): Uint32Array {
  const out = new Uint32Array(keys.length);
  for (let i = 0; i < order.length; i++) for (let c = 0; c < chunks; c++) out[i * chunks + c] = keys[order[i]! * chunks + c]!;
  return out;
}

/**
 * Lists each in span order (as sortBySpan leaves them), as one list in that
 * order: what a stable sort of them joined would give, ties to the earlier
 * list, in one pass rather than a sort (shards' summaries merge this way).
 * Ids of normal form are compared as numbers, as sortBySpan compares them
 * (as strings, half a million orphans took the merge 1.8 s). Lists not in
 * span order are joined and sorted.
 */
export function mergeBySpan<T>(lists: ReadonlyArray<readonly T[]>, spanOf: (item: T) => Span): T[] {
  const spans = lists.map((list) => list.map(spanOf));
  const keys = spans.map((list, l) => keysOfList(lists[l]!) ?? numericKeys(list));
  const numeric = keys.every((k) => k !== undefined);
  /** Item i of list a against item j of list b, in span order. */
  const compareAt = (a: number, i: number, b: number, j: number): number => {
    if (numeric) {
      const ka = keys[a]!;
      const kb = keys[b]!;
      return compareAcross(ka.trace, i, kb.trace, j, TRACE_CHUNKS) || compareAcross(ka.span, i, kb.span, j, SPAN_CHUNKS) || bySource(spans[a]![i]!.source, spans[b]![j]!.source);
    }
    const x = spans[a]![i]!;
    const y = spans[b]![j]!;
    return compare(x.traceId, y.traceId) || compare(x.spanId, y.spanId) || bySource(x.source, y.source);
  };
  const inOrder = lists.every((list, l) => {
    for (let i = 1; i < list.length; i++) if (compareAt(l, i - 1, l, i) > 0) return false;
    return true;
  });
  if (!inOrder) {
    const joined = lists.flatMap((list) => [...list]);
    sortBySpan(joined, spanOf);
    return joined;
  }
  // Each list's next item; the least goes next, the earliest list on a tie.
  const next = lists.map(() => 0);
  const merged: T[] = [];
  for (;;) {
    let best = -1;
    for (let l = 0; l < lists.length; l++) {
      if (next[l]! === lists[l]!.length) continue;
      if (best === -1 || compareAt(l, next[l]!, best, next[best]!) < 0) best = l;
    }
    if (best === -1) return merged;
    merged.push(lists[best]![next[best]!++]!);
  }
}

/** Item i's chunks of `a` against item j's of `b`. */
function compareAcross(a: Uint32Array, i: number, b: Uint32Array, j: number, chunks: number): number {
  for (let c = 0; c < chunks; c++) {
    const d = a[i * chunks + c]! - b[j * chunks + c]!;
    if (d !== 0) return d;
  }
  return 0;
}

const TRACE_CHUNKS = 4;
const SPAN_CHUNKS = 2;

/** Each span's trace and span id as 8-hex-digit numbers, or undefined when an id is not of normal form. */
function numericKeys(spans: readonly Span[]): { trace: Uint32Array; span: Uint32Array } | undefined {
  const trace = new Uint32Array(spans.length * TRACE_CHUNKS);
  const span = new Uint32Array(spans.length * SPAN_CHUNKS);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    // A view of the span store has its ids packed already: no strings made to be read back.
    if (s instanceof StoredSpanView) {
      if (!s.writeIdKeys(trace, span, i)) return undefined;
    } else if (!hexChunks(s.traceId, TRACE_CHUNKS, trace, i * TRACE_CHUNKS) || !hexChunks(s.spanId, SPAN_CHUNKS, span, i * SPAN_CHUNKS)) return undefined;
  }
  return { trace, span };
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
