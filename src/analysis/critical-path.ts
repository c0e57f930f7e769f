import { isTimed, type Span, type TimedSpan } from '../model/span.js';
import type { Trace } from '../model/trace.js';

/**
 * The critical path, as Jaeger's UI computes it: start at the root's end and
 * walk backwards. In the current span, the child that finished last (before
 * the point we are at) is where the time went: the span owns the stretch from
 * that child's end to here, then the walk continues inside that child. When a
 * span has no such child, it owns the stretch back to its own start, and the
 * walk returns to its parent at the moment the span started.
 *
 * Before walking, children are clipped to their parent (Jaeger's
 * "sanitizeOverFlowingChildren"): a child that outlives its parent counts only
 * up to the parent's end, one that starts before it only from its start, and
 * one entirely outside it is not on the path. The walk is a loop, not a
 * recursion, so a trace 100k spans deep is fine.
 */
export interface CriticalSection {
  span: Span;
  /** ns since the epoch */
  start: bigint;
  end: bigint;
}

interface Window {
  start: bigint;
  end: bigint;
}

export function criticalPath(trace: Trace, root: Span | undefined = trace.roots[0] ?? trace.tops[0]): CriticalSection[] {
  // Spans with an unknown time take no part: they have no stretch of time to own.
  if (!root || !isTimed(root)) return [];
  const windows = clippedWindows(trace, root);
  const sections: CriticalSection[] = [];
  let current: Span | undefined = root;
  let until: bigint | undefined;
  // Each step either descends into a child or climbs to the parent with an earlier `until`,
  // so the walk ends; the guard only protects against malformed input.
  for (let steps = 0; current && steps < 4 * trace.spans.length + 4; steps++) {
    const window: Window = windows.get(current)!;
    const end: bigint = until ?? window.end;
    const child = lastFinishingChild(trace, current, windows, end);
    if (child) {
      const childEnd = windows.get(child)!.end;
      if (childEnd !== end) sections.push({ span: current, start: childEnd, end });
      current = child;
      until = undefined;
    } else {
      if (window.start !== end) sections.push({ span: current, start: window.start, end });
      if (current === root) break;
      until = window.start;
      current = trace.parent(current);
    }
  }
  return sections;
}

/** Spans on the path, in path order (root first), each once. */
export function criticalSpans(sections: readonly CriticalSection[]): Set<Span> {
  return new Set(sections.map((section) => section.span));
}

/** Each span's window clipped to its parent's (clipped) window; spans outside it are left out. */
function clippedWindows(trace: Trace, root: TimedSpan): Map<Span, Window> {
  const windows = new Map<Span, Window>([[root, { start: root.startTimeUnixNano, end: root.endTimeUnixNano }]]);
  const stack: Span[] = [root];
  while (stack.length > 0) {
    const parent = stack.pop()!;
    const bounds = windows.get(parent)!;
    for (const child of trace.children(parent)) {
      if (windows.has(child) || !isTimed(child)) continue;
      const start = child.startTimeUnixNano < bounds.start ? bounds.start : child.startTimeUnixNano;
      const end = child.endTimeUnixNano > bounds.end ? bounds.end : child.endTimeUnixNano;
      if (start > end || child.startTimeUnixNano >= bounds.end) continue;
      windows.set(child, { start, end });
      stack.push(child);
    }
  }
  return windows;
}

/**
 * The child (in the clipped tree) that ends last by `before`. A child ending
 * exactly at `before` counts if it has any length: back-to-back children
 * (one starting as the other ends) are both on the path.
 */
function lastFinishingChild(trace: Trace, span: Span, windows: Map<Span, Window>, before: bigint): Span | undefined {
  let best: Span | undefined;
  let bestEnd = -1n;
  for (const child of trace.children(span)) {
    const window = windows.get(child);
    const eligible = window !== undefined && (window.end < before || (window.end === before && window.start < before));
    if (!eligible) continue;
    if (window!.end > bestEnd) {
      best = child;
      bestEnd = window!.end;
    }
  }
  return best;
}
