import { displayTraceIdOf } from './ids.js';
import { sameProcess, sortByStartTime, type Resource, type Span } from './span.js';
import type { TraceSource } from './trace-source.js';

/**
 * One trace's spans with the indexes every analysis needs. Built once; the
 * tree is derived from parent ids without recursion, so any depth is fine.
 */
export class Trace {
  readonly traceId: string;
  readonly spans: readonly Span[];
  /** The first span with each id. */
  private readonly firstById: Map<string, Span>;
  /** Ids used by more than one span (duplicates, or a Zipkin shared pair), with every span that uses them. */
  readonly reusedIds: ReadonlyMap<string, readonly Span[]>;
  private byId: Map<string, readonly Span[]> | undefined;
  /** Spans whose tree parent is the key span, in start-time order. */
  private readonly childrenOf: Map<Span, Span[]>;
  private readonly parentOf: Map<Span, Span>;
  /** Spans with no parent id at all. */
  readonly roots: readonly Span[];
  /** Spans whose parent id names a span that is not in the trace. */
  readonly orphans: readonly Span[];
  /** Earliest known start and latest known end; undefined when no span of the trace has one. */
  readonly startTimeUnixNano: bigint | undefined;
  readonly endTimeUnixNano: bigint | undefined;

  constructor(traceId: string, spans: Span[]) {
    this.traceId = traceId;
    this.spans = spans;
    // Ids are nearly always unique: a list per id only where one is reused, not one per span.
    const firstById = new Map<string, Span>();
    const reused = new Map<string, Span[]>();
    for (const span of spans) {
      const first = firstById.get(span.spanId);
      if (first === undefined) firstById.set(span.spanId, span);
      else {
        const all = reused.get(span.spanId);
        if (all) all.push(span);
        else reused.set(span.spanId, [first, span]);
      }
    }
    this.firstById = firstById;
    this.reusedIds = reused;
    this.parentOf = new Map();
    this.childrenOf = new Map();
    const roots: Span[] = [];
    const orphans: Span[] = [];
    const choices = new Map<string, ReusedId>();
    for (const span of spans) {
      const parent = treeParent(span, firstById, reused, choices);
      if (parent) {
        this.parentOf.set(span, parent);
        const siblings = this.childrenOf.get(parent);
        if (siblings) siblings.push(span);
        else this.childrenOf.set(parent, [span]);
      } else if (span.parentSpanId === undefined) {
        roots.push(span);
      } else if (!firstById.has(span.parentSpanId)) {
        orphans.push(span);
      }
      // else: a self-parent, reachable from no top; cycleMembers() lists it.
    }
    for (const children of this.childrenOf.values()) sortByStartTime(children);
    this.roots = sortByStartTime(roots);
    this.orphans = sortByStartTime(orphans);
    const { start, end } = timeRange(spans);
    this.startTimeUnixNano = start;
    this.endTimeUnixNano = end;
  }

  /** The first span with this id (the client half for a Zipkin shared pair). */
  span(spanId: string): Span | undefined {
    return this.firstById.get(spanId);
  }

  /** Every span with a given id, in trace order; more than one means duplicate ids (or a Zipkin shared pair). Built on first use. */
  get spansById(): ReadonlyMap<string, readonly Span[]> {
    if (!this.byId) {
      this.byId = new Map();
      for (const [spanId, first] of this.firstById) this.byId.set(spanId, this.reusedIds.get(spanId) ?? [first]);
    }
    return this.byId;
  }

  parent(span: Span): Span | undefined {
    return this.parentOf.get(span);
  }

  children(span: Span): readonly Span[] {
    return this.childrenOf.get(span) ?? [];
  }

  /** Spans to start a tree walk from: roots, then orphans (top of each detached subtree). */
  get tops(): Span[] {
    return [...this.roots, ...this.orphans];
  }

  /** Every span whose ancestry never reaches a root or orphan: members of a parent cycle. */
  cycleMembers(): Span[] {
    // Every span has at most one tree parent, so a walk down from the tops meets each
    // reachable span once, with no visited set: when it meets them all, as in almost
    // every trace, none is in a cycle.
    const reached: Span[] = [];
    const stack = this.tops;
    while (stack.length > 0) {
      const span = stack.pop()!;
      reached.push(span);
      const children = this.childrenOf.get(span);
      if (children) for (const child of children) stack.push(child);
    }
    if (reached.length === this.spans.length) return [];
    const reachedSet = new Set(reached);
    return this.spans.filter((span) => !reachedSet.has(span));
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

/** What picking a tree parent among the spans of one reused id needs, worked out once for all their children. */
interface ReusedId {
  spans: readonly Span[];
  /** Its `shared` spans (server halves), in trace order. */
  halves: Span[];
  firstUnshared: Span | undefined;
  /** The first half in a child's process, by the child's resource (sameProcess reads only the resources). */
  halfIn: Map<Resource, Span | undefined>;
}

function reusedId(spanId: string, reused: ReadonlyMap<string, readonly Span[]>, choices: Map<string, ReusedId>): ReusedId | undefined {
  // Nearly every trace reuses no id: two lookups a span saved (in a big trace's big maps, a second at 1M spans).
  if (reused.size === 0) return undefined;
  let choice = choices.get(spanId);
  if (choice === undefined) {
    const spans = reused.get(spanId);
    if (spans === undefined) return undefined;
    choice = { spans, halves: spans.filter((other) => other.shared), firstUnshared: spans.find((other) => !other.shared), halfIn: new Map() };
    choices.set(spanId, choice);
  }
  return choice;
}

/**
 * The span a span hangs under in the tree. Zipkin's shared server half has its
 * client's id: it hangs under the client, and spans naming that id as parent hang
 * under the server half, which created them. A self-parent has no tree parent.
 * What a reused id offers is worked out once per id, not per child: a trace of
 * many spans on one id (a broken id generator) was quadratic.
 */
function treeParent(span: Span, firstById: ReadonlyMap<string, Span>, reused: ReadonlyMap<string, readonly Span[]>, choices: Map<string, ReusedId>): Span | undefined {
  if (span.shared) {
    const client = reusedId(span.spanId, reused, choices)?.firstUnshared;
    if (client) return client;
  }
  const parentId = span.parentSpanId;
  if (parentId === undefined) return undefined;
  const choice = reusedId(parentId, reused, choices);
  if (choice) {
    // Of several server halves of one id (a message delivered to several hosts), the one in the child's own process.
    if (span.shared && span.spanId === parentId) {
      // The child is itself a half of the id it names (rare): the halves less itself.
      const halves = choice.halves.filter((other) => other !== span);
      return halves.find((half) => sameProcess(half, span)) ?? halves[0] ?? choice.spans.find((other) => other !== span);
    }
    if (!choice.halfIn.has(span.resource)) choice.halfIn.set(span.resource, choice.halves.find((half) => sameProcess(half, span)));
    return choice.halfIn.get(span.resource) ?? choice.halves[0] ?? (choice.spans[0] === span ? choice.spans[1] : choice.spans[0]);
  }
  const only = firstById.get(parentId);
  return only === span ? undefined : only;
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
