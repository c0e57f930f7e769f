import { sameProcess, type Resource, type Span } from './span.js';

/**
 * A trace's tree by position in its spans: for each span, its tree parent's
 * position, or why it has none (ROOT, ORPHAN, SELF_PARENT), and how to find a
 * span by id. Worked out here from the ids as strings, for any spans; a span
 * store works it out from its packed ids (packed-tree), faster.
 */
export interface TraceTree {
  /** For each span, its tree parent's position or one of the codes below. */
  codes: Int32Array;
  /** The position of the first span with this id, or -1. */
  find(spanId: string): number;
  /** Ids used by more than one span, with every span that uses them (none when left out). */
  reused?: Map<string, Span[]>;
  /** The positions of the spans whose id an earlier span has: those `find` does not give. */
  later?: Map<Span, number>;
}

/** Where a span is in `spans` (the first with its id, else one of the `later` ones); -1 for a span not among them. */
export function positionIn(spans: readonly Span[], find: (spanId: string) => number, later: ReadonlyMap<Span, number> | undefined, span: Span): number {
  const at = find(span.spanId);
  if (at >= 0 && spans[at] === span) return at;
  return later?.get(span) ?? -1;
}

/** No parent id: a root. */
export const ROOT = -1;
/** A parent id no span of the trace has: an orphan, top of a detached subtree. */
export const ORPHAN = -2;
/** A parent id that names the span itself (or, of a reused id, only itself): in no tree. */
export const SELF_PARENT = -3;

/**
 * The tree of any spans, read from their ids as strings, reused ids and
 * Zipkin shared halves included: the tree packed-tree gives from a store's
 * packed ids where it can. Ids are nearly always unique: a list per id only
 * where one is reused.
 */
export function treeOfIds(spans: readonly Span[]): TraceTree {
  const count = spans.length;
  const firstById = new Map<string, number>();
  const reused = new Map<string, Span[]>();
  let later: Map<Span, number> | undefined;
  for (let i = 0; i < count; i++) {
    const span = spans[i]!;
    const first = firstById.get(span.spanId);
    if (first === undefined) firstById.set(span.spanId, i);
    else {
      (later ??= new Map()).set(span, i);
      const all = reused.get(span.spanId);
      if (all) all.push(span);
      else reused.set(span.spanId, [spans[first]!, span]);
    }
  }
  const find = (spanId: string): number => firstById.get(spanId) ?? -1;
  const positionOf = (span: Span): number => positionIn(spans, find, later, span);
  const codes = new Int32Array(count);
  const choices = new Map<string, ReusedId>();
  for (let i = 0; i < count; i++) {
    const span = spans[i]!;
    const parent = treeParent(span, i, firstById, reused, choices, positionOf);
    if (parent >= 0) codes[i] = parent;
    else if (span.parentSpanId === undefined) codes[i] = ROOT;
    else if (!firstById.has(span.parentSpanId)) codes[i] = ORPHAN;
    else codes[i] = SELF_PARENT;
  }
  return { codes, find, reused, later };
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
 * The position of the span a span hangs under in the tree, or -1. Zipkin's
 * shared server half has its client's id: it hangs under the client, and spans
 * naming that id as parent hang under the server half, which created them. A
 * self-parent has no tree parent. What a reused id offers is worked out once
 * per id, not per child: a trace of many spans on one id (a broken id
 * generator) was quadratic.
 */
function treeParent(span: Span, at: number, firstById: ReadonlyMap<string, number>, reused: ReadonlyMap<string, readonly Span[]>, choices: Map<string, ReusedId>, positionOf: (span: Span) => number): number {
  if (span.shared) {
    const client = reusedId(span.spanId, reused, choices)?.firstUnshared;
    if (client) return positionOf(client);
  }
  const parentId = span.parentSpanId;
  if (parentId === undefined) return -1;
  const choice = reusedId(parentId, reused, choices);
  if (choice) {
    const parent = reusedParent(span, parentId, choice);
    return parent === undefined ? -1 : positionOf(parent);
  }
  const only = firstById.get(parentId);
  return only === undefined || only === at ? -1 : only;
}

/** Of the spans of a reused id, the one a span naming that id as parent hangs under. */
function reusedParent(span: Span, parentId: string, choice: ReusedId): Span | undefined {
  // Of several server halves of one id (a message delivered to several hosts), the one in the child's own process.
  if (span.shared && span.spanId === parentId) {
    // The child is itself a half of the id it names (rare): the halves less itself.
    const halves = choice.halves.filter((other) => other !== span);
    return halves.find((half) => sameProcess(half, span)) ?? halves[0] ?? choice.spans.find((other) => other !== span);
  }
  if (!choice.halfIn.has(span.resource)) choice.halfIn.set(span.resource, choice.halves.find((half) => sameProcess(half, span)));
  return choice.halfIn.get(span.resource) ?? choice.halves[0] ?? (choice.spans[0] === span ? choice.spans[1] : choice.spans[0]);
}
