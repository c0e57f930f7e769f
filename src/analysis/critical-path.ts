import { isTimed, sortByStartTime, type Span, type TimedSpan } from '../model/span.js';
import type { Trace } from '../model/trace.js';

export interface CriticalSection {
  span: Span;
  /** ns since the epoch */
  start: bigint;
  end: bigint;
}

/** A span as the walk sees it: its time clipped to its parent's, its children last-finishing first. */
interface Node {
  span: Span;
  start: bigint;
  end: bigint;
  parent: Node | undefined;
  children: Node[];
  /** Children before this index can never be on the path again. */
  cursor: number;
}

/**
 * The critical path, as Jaeger's UI computes it (CriticalPath/index.ts and its
 * utils; test/analysis/jaeger-critical-path.test.ts holds Jaeger's own cases).
 * Start at a top span's end and walk backwards. In the current span, the child
 * that finished last (before the point we are at) is where the time went: the
 * span owns the stretch from that child's end to here, then the walk continues
 * inside that child. When a span has no such child, it owns the stretch back to
 * its own start, and the walk returns to its parent at the moment the span
 * started.
 *
 * Before walking, as Jaeger does:
 * - a CONSUMER child of a PRODUCER span is left out with its subtree: the
 *   producer does not wait for its message to be handled;
 * - children are clipped to their parent: one that outlives its parent counts
 *   only up to the parent's end, one that starts before it only from its
 *   start, and one entirely outside it is not on the path.
 *
 * Where tracelint differs on purpose (README, "Critical path"):
 * - a child that ends exactly when the next one on the path starts is on the
 *   path too (Jaeger's "finished before" is strict, so it gives that stretch
 *   to the parent), see nextOnPath;
 * - every top is walked: roots and orphans (spans whose parent was never
 *   exported). Jaeger walks roots only and drops an orphan's subtree, so a
 *   trace whose root is missing has no path there;
 * - spans of unknown time take no part, nor do their subtrees, and neither
 *   does a span that ends before it starts.
 *
 * The walk is a loop, not a recursion, so a trace 100k spans deep is fine. Its
 * cost grows with the spans, not their square (bench/critical-path.mjs): each
 * span's children are sorted once by end, and a cursor per span only moves
 * forward, since the walk's point in a span only moves back.
 *
 * Returns the path of each top of the trace (roots and orphans, in start
 * order), or only of the tree under `top` when given. Sections run backwards in
 * time within each tree, latest first; the trees' sections follow one another.
 */
export function criticalPath(trace: Trace, top?: Span): CriticalSection[] {
  const sections: CriticalSection[] = [];
  for (const span of top ? [top] : sortByStartTime(trace.tops)) {
    // Spans with an unknown time take no part: they have no stretch of time to own.
    if (isTimed(span)) walk(pathTree(trace, span), sections);
  }
  return sections;
}

/** Spans on the path, in path order, each once. */
export function criticalSpans(sections: readonly CriticalSection[]): Set<Span> {
  return new Set(sections.map((section) => section.span));
}

function walk(top: Node, sections: CriticalSection[]): void {
  let node = top;
  let until = top.end;
  for (;;) {
    const child = nextOnPath(node, until);
    if (child) {
      if (child.end !== until) sections.push({ span: node.span, start: child.end, end: until });
      node = child;
      until = child.end;
    } else {
      if (node.start !== until) sections.push({ span: node.span, start: node.start, end: until });
      if (!node.parent) return;
      until = node.start;
      node = node.parent;
    }
  }
}

/**
 * The child that finished last by `before`. One ending exactly at `before`
 * counts if it started earlier: of back-to-back children (one starting as the
 * other ends) both are on the path, where Jaeger gives the first one's time to
 * the parent. A child that fails this never passes it later (the walk's point
 * only moves back), so the cursor skips it for good; a child returned fails it
 * once the walk comes back from it, at its start.
 */
function nextOnPath(node: Node, before: bigint): Node | undefined {
  const { children } = node;
  for (; node.cursor < children.length; node.cursor++) {
    const child = children[node.cursor]!;
    if (child.end < before || (child.end === before && child.start < before)) return child;
  }
  return undefined;
}

/** The tree under `top` as the walk sees it, built with a stack (any depth). */
function pathTree(trace: Trace, top: TimedSpan): Node {
  const root: Node = { span: top, start: top.startTimeUnixNano, end: top.endTimeUnixNano, parent: undefined, children: [], cursor: 0 };
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const parent = stack.pop()!;
    for (const child of trace.children(parent.span)) {
      if (!isTimed(child) || !blocks(parent.span, child)) continue;
      const node = clipped(child, parent);
      if (!node) continue;
      parent.children.push(node);
      stack.push(node);
    }
    // Last to finish first; of children ending together the first to start, as Jaeger picks.
    parent.children.sort((a, b) => (a.end > b.end ? -1 : a.end < b.end ? 1 : 0));
  }
  return root;
}

/** Whether the parent waits for the child: not a consumer of the parent's message (Jaeger's isBlockingSpan). */
function blocks(parent: Span, child: Span): boolean {
  return !(parent.kind === 'PRODUCER' && child.kind === 'CONSUMER');
}

/** The child with its time clipped to its parent's (Jaeger's sanitizeOverFlowingChildren), or undefined when it has none there. */
function clipped(child: TimedSpan, parent: Node): Node | undefined {
  const start = child.startTimeUnixNano;
  const end = child.endTimeUnixNano;
  if (end < start || start >= parent.end) return undefined;
  if (start < parent.start && end <= parent.start) return undefined;
  return { span: child, start: start < parent.start ? parent.start : start, end: end > parent.end ? parent.end : end, parent, children: [], cursor: 0 };
}
