import { displayTraceIdOf } from './ids.js';
import { byStartTime, sortByStartTime, startKeys, type Span } from './span.js';
import { ORPHAN, positionIn, ROOT, SELF_PARENT, treeOfIds, type TraceTree } from './trace-tree.js';
import type { TraceSource } from './trace-source.js';

/**
 * One trace's spans with the indexes every analysis needs. Built once; the
 * tree is derived from parent ids without recursion, so any depth is fine.
 *
 * The tree is kept by position in `spans` (parentAt, childrenAt), not in maps
 * keyed by span: in a trace of a million spans such a map costs a cache miss
 * a lookup, and made it cost twice a million small traces. parent(span) and
 * children(span) find the span's position first; rules that walk every span
 * ask by position.
 */
export class Trace {
  readonly traceId: string;
  readonly spans: readonly Span[];
  /** Ids used by more than one span (duplicates, or a Zipkin shared pair), with every span that uses them. */
  readonly reusedIds: ReadonlyMap<string, readonly Span[]>;
  /** Spans with no parent id at all. */
  readonly roots: readonly Span[];
  /** Spans whose parent id names a span that is not in the trace. */
  readonly orphans: readonly Span[];
  /** Earliest known start and latest known end; undefined when no span of the trace has one. */
  readonly startTimeUnixNano: bigint | undefined;
  readonly endTimeUnixNano: bigint | undefined;
  /** Each span's tree parent's position, or why it has none (ROOT, ORPHAN, SELF_PARENT). */
  private readonly codes: Int32Array;
  /** The children of the span at position i are at childOrder[childStart[i] .. childStart[i + 1]), in start-time order. */
  private readonly childStart: Int32Array;
  private readonly childOrder: Int32Array;
  private childLists: (readonly Span[] | undefined)[] | undefined;
  /** The position of the first span with an id, or -1. */
  private readonly find: (spanId: string) => number;
  /** Positions of the spans whose id an earlier span has: the only ones `find` does not give. */
  private readonly laterPositions: Map<Span, number> | undefined;
  private byId: Map<string, readonly Span[]> | undefined;
  private cycles: number[] | undefined;

  /** `packed`: the tree as a span store worked it out from its packed ids, the same the spans' ids give (faster; see packed-tree). */
  constructor(traceId: string, spans: Span[], packed?: TraceTree) {
    this.traceId = traceId;
    this.spans = spans;
    const { codes, find, reused, later } = packed ?? treeOfIds(spans);
    this.codes = codes;
    this.find = find;
    this.reusedIds = reused ?? new Map();
    this.laterPositions = later;
    const { childStart, childOrder } = childrenByPosition(this.codes, spans);
    this.childStart = childStart;
    this.childOrder = childOrder;
    const roots: Span[] = [];
    const orphans: Span[] = [];
    for (let i = 0; i < spans.length; i++) {
      const code = this.codes[i]!;
      if (code === ROOT) roots.push(spans[i]!);
      else if (code === ORPHAN) orphans.push(spans[i]!);
    }
    this.roots = sortByStartTime(roots);
    this.orphans = sortByStartTime(orphans);
    const { start, end } = timeRange(spans);
    this.startTimeUnixNano = start;
    this.endTimeUnixNano = end;
  }

  /** The first span with this id (the client half for a Zipkin shared pair). */
  span(spanId: string): Span | undefined {
    const at = this.find(spanId);
    return at < 0 ? undefined : this.spans[at];
  }

  /** Where a span of this trace is in `spans`; -1 for a span that is not one of them. */
  positionOf(span: Span): number {
    return positionIn(this.spans, this.find, this.laterPositions, span);
  }

  /** Every span with a given id, in trace order; more than one means duplicate ids (or a Zipkin shared pair). Built on first use. */
  get spansById(): ReadonlyMap<string, readonly Span[]> {
    if (!this.byId) {
      this.byId = new Map();
      for (const span of this.spans) if (!this.byId.has(span.spanId)) this.byId.set(span.spanId, this.reusedIds.get(span.spanId) ?? [span]);
    }
    return this.byId;
  }

  parent(span: Span): Span | undefined {
    return this.parentAt(this.positionOf(span));
  }

  /** The tree parent of the span at a position in `spans`. */
  parentAt(position: number): Span | undefined {
    const parent = position < 0 || position >= this.spans.length ? -1 : this.codes[position]!;
    return parent < 0 ? undefined : this.spans[parent];
  }

  children(span: Span): readonly Span[] {
    return this.childrenAt(this.positionOf(span));
  }

  /** The spans whose tree parent is the span at a position in `spans`, in start-time order. */
  childrenAt(position: number): readonly Span[] {
    const count = this.childCountAt(position);
    if (count === 0) return NO_SPANS;
    const lists = (this.childLists ??= new Array<readonly Span[] | undefined>(this.spans.length).fill(undefined));
    let list = lists[position];
    if (list === undefined) {
      const from = this.childStart[position]!;
      const children = new Array<Span>(count);
      for (let k = 0; k < count; k++) children[k] = this.spans[this.childOrder[from + k]!]!;
      lists[position] = list = children;
    }
    return list;
  }

  /** How many children the span at a position has. */
  childCountAt(position: number): number {
    return position < 0 || position >= this.spans.length ? 0 : this.childStart[position + 1]! - this.childStart[position]!;
  }

  /** How many spans the subtree under a span holds, the span included; each is met once (a tree has no cycle below a top). */
  subtreeSize(span: Span): number {
    const top = this.positionOf(span);
    if (top < 0) return 0;
    let count = 0;
    const stack = [top];
    while (stack.length > 0) {
      const at = stack.pop()!;
      count++;
      for (let c = this.childStart[at]!; c < this.childStart[at + 1]!; c++) stack.push(this.childOrder[c]!);
    }
    return count;
  }

  /** Spans to start a tree walk from: roots, then orphans (top of each detached subtree). */
  get tops(): Span[] {
    return [...this.roots, ...this.orphans];
  }

  /** Every span whose ancestry never reaches a root or orphan: members of a parent cycle. Worked out once. */
  cycleMembers(): Span[] {
    return this.cyclePositions().map((at) => this.spans[at]!);
  }

  /**
   * Each parent cycle once: walking up from each cycle member in trace order,
   * the spans from the first one met twice, in walk order. A span naming
   * itself as parent is a cycle of one. Spans hanging under a cycle lead to it
   * and are not on it; a walk that meets an earlier walk's span stops there.
   */
  parentCycles(): Span[][] {
    const cycles: Span[][] = [];
    const members = this.cyclePositions();
    if (members.length === 0) return cycles;
    const { spans, codes } = this;
    const WALKED = 1;
    const ON_PATH = 2;
    const state = new Uint8Array(spans.length);
    for (const start of members) {
      if (state[start] !== 0) continue;
      const path: number[] = [];
      let at = start;
      while (at >= 0 && state[at] === 0) {
        state[at] = ON_PATH;
        path.push(at);
        const span = spans[at]!;
        at = span.parentSpanId === span.spanId ? at : codes[at]!;
      }
      if (at >= 0 && state[at] === ON_PATH) cycles.push(path.slice(path.indexOf(at)).map((on) => spans[on]!));
      for (const on of path) state[on] = WALKED;
    }
    return cycles;
  }

  private cyclePositions(): readonly number[] {
    return (this.cycles ??= unreachable(this.codes));
  }
}

const NO_SPANS: readonly Span[] = Object.freeze([]);
/** The children of a trace of one span, shared (never written). */
const NO_CHILDREN = { childStart: new Int32Array(2), childOrder: new Int32Array(0) };

/**
 * The positions of the spans whose ancestry reaches no top (root or orphan), in order. Each span's answer
 * is found once, walking up the parent positions: no recursion, any depth.
 */
function unreachable(codes: Int32Array): number[] {
  if (parentsComeFirst(codes)) return [];
  const REACHES = 1;
  const CYCLES = 2;
  const ON_PATH = 3;
  const state = new Uint8Array(codes.length);
  const path: number[] = [];
  let unreached = 0;
  for (let i = 0; i < codes.length; i++) {
    let at = i;
    while (state[at] === 0) {
      state[at] = ON_PATH;
      path.push(at);
      const parent = codes[at]!;
      if (parent < 0) break;
      at = parent;
    }
    // Where the walk stopped: a span already answered, a span on this path (a cycle), or a span with no tree parent.
    let answer = state[at]!;
    if (answer === ON_PATH) answer = codes[at] === ROOT || codes[at] === ORPHAN ? REACHES : CYCLES;
    for (const on of path) state[on] = answer;
    if (answer === CYCLES) unreached += path.length;
    path.length = 0;
  }
  const positions: number[] = [];
  if (unreached > 0) for (let i = 0; i < codes.length; i++) if (state[i] === CYCLES) positions.push(i);
  return positions;
}

/**
 * Whether every span is a top or hangs under a span before it: then every
 * walk up ends at a top, and no span is in a cycle. True of a trace of one
 * span, and of many exports (parents written first); found with no memory.
 */
function parentsComeFirst(codes: Int32Array): boolean {
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === SELF_PARENT || code >= i) return false;
  }
  return true;
}

/** Each position's children, as offsets into one list of positions; each span's in start-time order, ties in trace order. */
function childrenByPosition(codes: Int32Array, spans: readonly Span[]): { childStart: Int32Array; childOrder: Int32Array } {
  const count = codes.length;
  // A trace of one span (health checks, jobs, orphans) has no children: nothing to build.
  if (count <= 1) return NO_CHILDREN;
  const childStart = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) if (codes[i]! >= 0) childStart[codes[i]! + 1] = childStart[codes[i]! + 1]! + 1;
  for (let i = 0; i < count; i++) childStart[i + 1] = childStart[i + 1]! + childStart[i]!;
  const childOrder = new Int32Array(childStart[count]!);
  const next = childStart.slice(0, count);
  for (let i = 0; i < count; i++) if (codes[i]! >= 0) childOrder[next[codes[i]!]!++] = i;
  if (childOrder.length > 1) sortSiblings(childStart, childOrder, spans);
  return { childStart, childOrder };
}

/**
 * Sorts each span's children by start time, ties in trace order. On one
 * number key per span of the trace where the starts allow (startKeys):
 * comparing bigints read from spans all over a big trace's memory cost more
 * than the whole of the rest of sorting.
 */
function sortSiblings(childStart: Int32Array, childOrder: Int32Array, spans: readonly Span[]): void {
  const keys = startKeys(spans.length, (i) => spans[i]!.startTimeUnixNano);
  // Unknown starts are +Infinity: Infinity - Infinity is NaN, and NaN || a - b keeps their order.
  const compare = keys ? (a: number, b: number): number => keys[a]! - keys[b]! || a - b : (a: number, b: number): number => byStartTime(spans[a]!, spans[b]!) || a - b;
  for (let parent = 0; parent + 1 < childStart.length; parent++) {
    const from = childStart[parent]!;
    const to = childStart[parent + 1]!;
    if (to - from > 1) childOrder.subarray(from, to).sort(compare);
  }
}

/** The earliest known start and latest known end of some spans: unknown times are left out, never read as 0. */
export function timeRange(spans: Iterable<Span>): { start: bigint | undefined; end: bigint | undefined } {
  let start: bigint | undefined;
  let end: bigint | undefined;
  for (const span of spans) {
    const s = span.startTimeUnixNano;
    const e = span.endTimeUnixNano;
    if (s !== undefined && (start === undefined || s < start)) start = s;
    if (e !== undefined && (end === undefined || e > end)) end = e;
  }
  return { start, end };
}

/** The trace id as the input's tools show it (see displayTraceIdOf). */
export function displayTraceId(trace: Trace): string {
  return displayTraceIdOf(trace.traceId, trace.spans[0]?.source.format);
}

/** How long a trace lasted from its earliest known start to its latest known end; undefined when either is unknown. */
export function traceDuration(trace: Trace): bigint | undefined {
  return trace.startTimeUnixNano === undefined || trace.endTimeUnixNano === undefined ? undefined : trace.endTimeUnixNano - trace.startTimeUnixNano;
}

/** All spans read, grouped into traces by trace id, in first-seen order. */
export class TraceSet implements TraceSource {
  readonly traces: ReadonlyMap<string, Trace>;
  readonly spanCount: number;

  constructor(spans: Iterable<Span>) {
    const groups = new Map<string, Span[]>();
    let count = 0;
    // Spans of one trace mostly come in runs (one batch, one request): the last group is tried before the map.
    let last: Span[] | undefined;
    for (const span of spans) {
      count++;
      let group = last !== undefined && last[0]!.traceId === span.traceId ? last : groups.get(span.traceId);
      if (group) {
        // An equal string, shared: one copy of the id per trace, not per span.
        span.traceId = group[0]!.traceId;
        group.push(span);
      } else {
        group = [span];
        groups.set(span.traceId, group);
      }
      last = group;
    }
    const traces = new Map<string, Trace>();
    for (const [traceId, group] of groups) traces.set(traceId, new Trace(traceId, group));
    this.traces = traces;
    this.spanCount = count;
  }

  get(traceId: string): Trace | undefined {
    return this.traces.get(traceId);
  }

  get traceCount(): number {
    return this.traces.size;
  }

  forEachTrace(visit: (trace: Trace) => void): void {
    for (const trace of this.traces.values()) visit(trace);
  }

  private allSpans: readonly Span[] | undefined;

  /** Every span, trace by trace. A flat list built on first use: set rules walk it, and a generator costs more per span than the work done on it. */
  spans(): readonly Span[] {
    if (!this.allSpans) {
      const all: Span[] = [];
      for (const trace of this.traces.values()) for (const span of trace.spans) all.push(span);
      this.allSpans = all;
    }
    return this.allSpans;
  }
}
