/**
 * Counting time windows that contain a moment or enclose another window, in
 * O(log n) a question after O(n log n) preparation: what the cross-trace rules
 * ask of every span of a service ("which requests were running when this root
 * started?", "which of the caller's requests enclose this call?"). Scanning
 * back through a service's spans for each question made those rules quadratic.
 *
 * When exactly one window answers, it is named: each structure also sums the
 * windows' indexes, and the sum over a single window is its index.
 */
export interface TimeWindow {
  start: bigint;
  end: bigint;
}

/** Where an item lies in time (a span's start and end, say). */
export type WindowOf<W> = (item: W) => TimeWindow;

const itself = <W>(item: W): TimeWindow => item as unknown as TimeWindow;

/** Windows containing a moment: start <= t <= end. */
export class StabbingIndex<W> {
  private readonly starts: bigint[];
  private readonly ends: bigint[];
  /** Index sums of the windows in start order (prefix) and in end order. */
  private readonly startSums: number[];
  private readonly endSums: number[];

  constructor(
    readonly windows: readonly W[],
    windowOf: WindowOf<W> = itself,
  ) {
    const spans = windows.map(windowOf);
    const byStart = spans.map((_, i) => i).sort((a, b) => compare(spans[a]!.start, spans[b]!.start));
    const byEnd = spans.map((_, i) => i).sort((a, b) => compare(spans[a]!.end, spans[b]!.end));
    this.starts = byStart.map((i) => spans[i]!.start);
    this.ends = byEnd.map((i) => spans[i]!.end);
    this.startSums = prefixSums(byStart);
    this.endSums = prefixSums(byEnd);
  }

  /** How many windows contain t. */
  count(t: bigint): number {
    // Started by t, less those ended before t (every window that ended before t had started).
    return upperBound(this.starts, t) - lowerBound(this.ends, t);
  }

  /** The one window containing t, or undefined when none or several do. */
  only(t: bigint): W | undefined {
    const started = upperBound(this.starts, t);
    const ended = lowerBound(this.ends, t);
    if (started - ended !== 1) return undefined;
    return this.windows[this.startSums[started]! - this.endSums[ended]!];
  }
}

/**
 * Windows enclosing a query window (start <= query.start and end >= query.end),
 * for a batch of queries answered together: the windows are added in start
 * order into a Fenwick tree over end ranks as the queries, in start order,
 * pass them.
 */
export function countEnclosing<W>(items: readonly W[], queries: readonly TimeWindow[], windowOf: WindowOf<W> = itself): Array<{ count: number; only: W | undefined }> {
  const windows = items.map(windowOf);
  const ends = [...new Set(windows.map((w) => w.end))].sort(compare);
  const counts = new Fenwick(ends.length);
  const sums = new Fenwick(ends.length);
  const byStart = windows.map((_, i) => i).sort((a, b) => compare(windows[a]!.start, windows[b]!.start));
  const order = queries.map((_, i) => i).sort((a, b) => compare(queries[a]!.start, queries[b]!.start));
  const answers: Array<{ count: number; only: W | undefined }> = new Array<{ count: number; only: W | undefined }>(queries.length);
  let next = 0;
  for (const q of order) {
    const query = queries[q]!;
    while (next < byStart.length && windows[byStart[next]!]!.start <= query.start) {
      const w = byStart[next++]!;
      const rank = lowerBound(ends, windows[w]!.end);
      counts.add(rank, 1);
      sums.add(rank, w);
    }
    // Added windows whose end is at least the query's.
    const from = lowerBound(ends, query.end);
    const count = counts.total() - counts.prefix(from);
    answers[q] = { count, only: count === 1 ? items[sums.total() - sums.prefix(from)] : undefined };
  }
  return answers;
}

/** Sums over a growing array by rank: add at a rank, sum the ranks below one. */
class Fenwick {
  private readonly tree: Float64Array;
  private sum = 0;

  constructor(size: number) {
    this.tree = new Float64Array(size + 1);
  }

  add(rank: number, value: number): void {
    this.sum += value;
    for (let i = rank + 1; i < this.tree.length; i += i & -i) this.tree[i]! += value;
  }

  /** The sum over ranks below `rank`. */
  prefix(rank: number): number {
    let total = 0;
    for (let i = rank; i > 0; i -= i & -i) total += this.tree[i]!;
    return total;
  }

  total(): number {
    return this.sum;
  }
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function prefixSums(indexes: readonly number[]): number[] {
  const sums = [0];
  for (const i of indexes) sums.push(sums[sums.length - 1]! + i);
  return sums;
}

/** The first position whose value is >= t. */
function lowerBound(sorted: readonly bigint[], t: bigint): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < t) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The first position whose value is > t. */
function upperBound(sorted: readonly bigint[], t: bigint): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! <= t) low = mid + 1;
    else high = mid;
  }
  return low;
}
