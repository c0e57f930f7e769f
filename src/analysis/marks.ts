import type { Span } from '../model/span.js';
import type { Trace, TraceSet } from '../model/trace.js';
import { criticalPath, criticalSpans, type CriticalSection } from './critical-path.js';
import { EntryIndex, findLostHop, type HopWindows } from './hops.js';
import { summarize } from './summary.js';
import { looksSkewed, type SkewTolerance } from './skew.js';

/**
 * The marks a waterfall puts on a span, and what each means: the one source
 * for traceview's terminal picture, the HTML viewer and the Markdown summary.
 * Each renderer only chooses how a mark looks (theme symbols, colours).
 */
export type Mark = 'critical' | 'error' | 'orphan' | 'skew' | 'lost' | 'link' | 'cycle';

/** Every mark, in the order marks are listed on a span and in legends. */
export const MARKS: readonly Mark[] = ['critical', 'error', 'orphan', 'skew', 'lost', 'link', 'cycle'];

export const MARK_MEANING: Record<Mark, string> = {
  critical: 'on the critical path',
  error: 'ERROR status',
  orphan: 'parent was never exported (orphan)',
  skew: "clock skew: doesn't fit inside its parent across services",
  lost: 'propagation lost: the callee started a new trace during this call',
  link: 'has span links',
  cycle: 'part of a parent cycle',
};

/** The lost-propagation rule's default windows (a test keeps them equal to its option defaults). */
export const DEFAULT_HOP_WINDOWS: HopWindows = { toleranceNano: 5_000_000n, messagingWindowNano: 300_000_000_000n };

/** Calls whose callee started a new trace during them, anywhere in the set (from the set's summary: the callee is in another trace). */
export function lostPropagationCalls(traces: TraceSet, windows: HopWindows = DEFAULT_HOP_WINDOWS): Set<Span> {
  const { roots, childlessCalls } = summarize(traces);
  const index = new EntryIndex(roots);
  const lost = new Set<Span>();
  for (const span of childlessCalls) if (findLostHop(span, index, windows)) lost.add(span);
  return lost;
}

/**
 * The marks of every span of one trace, worked out once (the critical path walks the whole trace).
 * A child is marked skewed when it leaves its parent by more than `skewTolerance` (renderers pass
 * the clock-skew rule's defaults, so the picture marks what the rule would report).
 */
export class TraceMarks {
  readonly criticalPath: readonly CriticalSection[];
  private readonly critical: ReadonlySet<Span>;
  private readonly cycle: ReadonlySet<Span>;
  private readonly orphans: ReadonlySet<Span>;

  constructor(
    private readonly trace: Trace,
    private readonly lostCalls: ReadonlySet<Span>,
    private readonly skewTolerance: SkewTolerance,
  ) {
    this.criticalPath = criticalPath(trace);
    this.critical = criticalSpans(this.criticalPath);
    this.cycle = new Set(trace.cycleMembers());
    this.orphans = new Set(trace.orphans);
  }

  /** Members of a parent cycle: reachable from no root, so a tree walk must add them itself. */
  get cycleMembers(): ReadonlySet<Span> {
    return this.cycle;
  }

  of(span: Span): Mark[] {
    const marks: Mark[] = [];
    if (this.critical.has(span)) marks.push('critical');
    if (span.status.code === 'ERROR') marks.push('error');
    if (this.orphans.has(span)) marks.push('orphan');
    const parent = this.trace.parent(span);
    if (parent && looksSkewed(parent, span, this.skewTolerance)) marks.push('skew');
    if (this.lostCalls.has(span)) marks.push('lost');
    if (span.links.length > 0) marks.push('link');
    if (this.cycle.has(span)) marks.push('cycle');
    return marks;
  }
}
