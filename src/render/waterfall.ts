import { MARK_MEANING, TraceMarks, type Mark } from '../analysis/marks.js';
import { clockSkew } from '../rules/clock-skew.js';
import type { Span } from '../model/span.js';
import { durationNano, missingTimes, serviceOf } from '../model/span.js';
import { formatDuration } from '../model/time.js';
import { displayTraceId, traceDuration, type Trace } from '../model/trace.js';
import { safeText } from './safe-text.js';
import type { Theme } from './theme.js';

/**
 * The waterfall: first a layout (rows of plain data: which span, how deep,
 * which marks, collapsed siblings), then a painter that turns rows into lines
 * for a given width and theme. The tree is walked with an explicit stack, so
 * any depth renders; indentation stops growing past MAX_INDENT levels.
 */
export interface WaterfallOptions {
  width: number;
  /** Show spans down to this depth (0 = roots only). */
  maxDepth?: number;
  /** Hide spans shorter than this (ns), unless they are on the critical path or in error. */
  minDurationNano?: bigint;
  /** Show only spans of these services. */
  services?: string[];
  /** Show only the spans on the critical path. */
  criticalOnly?: boolean;
  /** Fold runs of sibling spans with the same service and name into one row. */
  collapse?: boolean;
  /** Calls whose callee started a new trace (see analysis/hops): marked as lost propagation. */
  lostCalls?: ReadonlySet<Span>;
}

export interface Row {
  span: Span;
  depth: number;
  /** Tree drawing: for each ancestor level, whether that ancestor was the last child. */
  lastFlags: boolean[];
  marks: Mark[];
  /** Further siblings folded into this row by --collapse. */
  folded: number;
}

const MAX_INDENT = 16;
/** The clock-skew rule's default tolerances (its metadata): the waterfall marks what the rule would report. */
const SKEW_TOLERANCE = {
  startNano: BigInt(Math.round(clockSkew.options.toleranceMs.default * 1e6)),
  endNano: BigInt(Math.round(clockSkew.options.endToleranceMs.default * 1e6)),
};

/** The marks of a trace's spans, skew judged with the clock-skew rule's default tolerances. */
export function waterfallMarks(trace: Trace, lostCalls?: ReadonlySet<Span>): TraceMarks {
  return new TraceMarks(trace, lostCalls ?? new Set(), SKEW_TOLERANCE);
}

export function layoutWaterfall(trace: Trace, options: WaterfallOptions, traceMarks: TraceMarks = waterfallMarks(trace, options.lostCalls)): Row[] {
  const rows: Row[] = [];
  // Members of a parent cycle hang under no root: they are drawn after the rest.
  const tops = [...trace.tops, ...traceMarks.cycleMembers];
  const stack: Array<{ span: Span; depth: number; lastFlags: boolean[] }> = tops.map((span, i) => ({ span, depth: 0, lastFlags: [i === tops.length - 1] })).reverse();
  const seen = new Set<Span>();
  while (stack.length > 0) {
    const { span, depth, lastFlags } = stack.pop()!;
    if (seen.has(span)) continue;
    seen.add(span);
    const marks = traceMarks.of(span);
    if (visible(span, depth, marks, options)) {
      const previous = rows[rows.length - 1];
      if (options.collapse && previous && previous.depth === depth && trace.parent(previous.span) === trace.parent(span) && previous.span.name === span.name && serviceOf(previous.span) === serviceOf(span) && marks.length === 0 && previous.marks.length === 0) {
        previous.folded++;
      } else rows.push({ span, depth, lastFlags, marks, folded: 0 });
    }
    if (options.maxDepth !== undefined && depth >= options.maxDepth) continue;
    const children = trace.children(span);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ span: children[i]!, depth: depth + 1, lastFlags: depth + 1 <= MAX_INDENT ? [...lastFlags, i === children.length - 1] : lastFlags });
  }
  return rows;
}

function visible(span: Span, depth: number, marks: Mark[], options: WaterfallOptions): boolean {
  if (options.maxDepth !== undefined && depth > options.maxDepth) return false;
  if (options.criticalOnly && !marks.includes('critical')) return false;
  if (options.services && !options.services.includes(serviceOf(span))) return false;
  const duration = durationNano(span);
  // A span of unknown duration is not known to be short: it stays.
  if (options.minDurationNano !== undefined && duration !== undefined && duration < options.minDurationNano && !marks.includes('critical') && !marks.includes('error')) return false;
  return true;
}

/** Lines of the picture: header, axis, one line per row (plus one for an error message), legend. */
export function paintWaterfall(trace: Trace, rows: readonly Row[], theme: Theme, options: WaterfallOptions): string[] {
  const { c } = theme;
  const width = Math.max(60, options.width);
  // The axis spans the known times only; spans without them are drawn in place, marked.
  const start = trace.startTimeUnixNano ?? 0n;
  const known = traceDuration(trace);
  const total = known !== undefined && known > 0n ? known : 1n;
  const serviceWidth = Math.min(16, Math.max(7, ...rows.map((row) => serviceOf(row.span).length)));
  const nameWidth = Math.min(48, Math.floor(width * 0.34));
  const durationWidth = 9;
  const marksWidth = 3;
  const barWidth = Math.max(10, width - nameWidth - serviceWidth - durationWidth - marksWidth - 4);
  const column = (ns: bigint): number => Math.min(barWidth - 1, Math.max(0, Number(((ns - start) * BigInt(barWidth)) / total)));
  const lines: string[] = [];

  const root = trace.roots[0] ?? trace.tops[0];
  const services = new Set(trace.spans.map(serviceOf));
  const errors = trace.spans.filter((span) => span.status.code === 'ERROR').length;
  const title = `trace ${safeText(displayTraceId(trace))}`;
  const untimed = trace.spans.filter((span) => missingTimes(span).length > 0).length;
  const about = `  ${root ? `${safeText(serviceOf(root))}: ${safeText(root.name)}` : ''}  ${known === undefined ? 'no known times' : formatDuration(known)}, ${count(trace.spans.length, 'span')}, ${count(services.size, 'service')}${errors ? `, ${count(errors, 'error')}` : ''}${untimed ? `, ${untimed} without time` : ''}`;
  // Title and summary on one line when they fit, else the summary goes below.
  if (title.length + [...about].length <= width) lines.push(c.bold(title) + c.dim(about));
  else lines.push(c.bold(title), c.dim(fit(about.trimStart(), width).trimEnd()));
  lines.push(axis(theme, nameWidth + marksWidth + serviceWidth + 2, barWidth, total));

  const used = new Set<Mark>();
  for (const row of rows) {
    row.marks.forEach((mark) => used.add(mark));
    const span = row.span;
    const marks = row.marks.filter((mark) => mark !== 'link').slice(0, marksWidth).map((mark) => theme.symbols[mark]).join('').padEnd(marksWidth);
    const indent = treePrefix(row, theme);
    const deeper = row.depth > MAX_INDENT ? `[${row.depth}] ` : '';
    const label = fit(`${indent}${deeper}${safeText(span.name)}${row.folded ? ` ×${row.folded + 1}` : ''}`, nameWidth);
    const service = theme.service(serviceOf(span))(fit(safeText(serviceOf(span)), serviceWidth));
    const bar = drawBar(span, column, barWidth, theme, row.marks);
    const known = durationNano(span);
    const duration = (known === undefined ? '?' : formatDuration(known)).padStart(durationWidth);
    const name = span.status.code === 'ERROR' ? c.red(label) : row.marks.includes('critical') ? c.bold(label) : label;
    lines.push(`${row.marks.includes('error') ? c.red(marks) : c.yellow(marks)}${name} ${service} ${bar} ${duration}`);
    if (span.status.code === 'ERROR' && span.status.message) lines.push(c.red(`${' '.repeat(marksWidth)}${fit(`${' '.repeat(Math.min(indent.length + 3, nameWidth - 10))}error: ${safeText(span.status.message)}`, width - marksWidth)}`));
  }
  if (used.size > 0) {
    lines.push('');
    for (const line of wrap([...used].map((mark) => `${theme.symbols[mark]} ${MARK_MEANING[mark]}`), width)) lines.push(c.dim(line));
  }
  if (rows.some((row) => row.span.events.length > 0)) lines.push(c.dim(`${theme.bar.event} event`));
  return lines;
}

function treePrefix(row: Row, theme: Theme): string {
  if (row.depth === 0) return '';
  const flags = row.lastFlags;
  let prefix = '';
  for (let level = 1; level < flags.length - 1; level++) prefix += flags[level] ? theme.tree.space : theme.tree.pipe;
  return prefix + (flags[flags.length - 1] ? theme.tree.last : theme.tree.branch);
}

function drawBar(span: Span, column: (ns: bigint) => number, width: number, theme: Theme, marks: Mark[]): string {
  const cells: string[] = Array(width).fill(' ');
  const { startTimeUnixNano: start, endTimeUnixNano: end } = span;
  if (start === undefined || end === undefined) {
    // No bar where a time is unknown: a marker at the known end, and words saying what is missing.
    const note = `(no ${missingTimes(span).join(' or ')} time)`;
    const at = start !== undefined ? column(start) : end !== undefined ? column(end) : 0;
    if (start !== undefined || end !== undefined) cells[at] = theme.bar.sliver;
    const from = start !== undefined ? Math.min(at + 1, width) : end !== undefined ? Math.max(0, at - note.length) : 0;
    [...note].forEach((ch, i) => {
      if (from + i < width) cells[from + i] = ch;
    });
    return theme.c.dim(cells.join(''));
  }
  const from = column(start);
  const to = Math.max(from, column(end));
  for (let i = from; i <= to && i < width; i++) cells[i] = to === from ? theme.bar.sliver : theme.bar.full;
  for (const event of span.events) {
    if (event.timeUnixNano !== undefined) cells[column(event.timeUnixNano)] = theme.bar.event;
  }
  const painted = cells.join('');
  const paint = marks.includes('error') ? theme.c.red : marks.includes('critical') ? theme.c.yellow : theme.service(serviceOf(span));
  return paint(painted);
}

function axis(theme: Theme, offset: number, width: number, total: bigint): string {
  const ticks = 4;
  const cells: string[] = Array(width).fill(theme.bar.axis);
  let labels = ' '.repeat(width + 12);
  let free = 0;
  // The last label is right-aligned to its tick; a label that would overlap the one before is left out.
  for (let t = ticks; t >= 0; t--) {
    const at = Math.min(width - 1, Math.round((t * (width - 1)) / ticks));
    cells[at] = theme.bar.tick;
  }
  const placed: Array<[number, string]> = [];
  for (let t = 0; t <= ticks; t++) {
    const at = Math.min(width - 1, Math.round((t * (width - 1)) / ticks));
    const label = formatDuration((total * BigInt(t)) / BigInt(ticks));
    const place = t === ticks ? Math.max(0, at - label.length + 1) : at;
    if (place < free) {
      if (t !== ticks) continue;
      placed.pop();
    }
    placed.push([place, label]);
    free = place + label.length + 1;
  }
  for (const [place, label] of placed) labels = labels.slice(0, place) + label + labels.slice(place + label.length);
  return `${' '.repeat(offset)}${theme.c.dim(labels.trimEnd())}\n${' '.repeat(offset)}${theme.c.dim(cells.join(''))}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Legend items joined by spaces, wrapped at `width`. */
function wrap(items: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const piece = fit(item, Math.min([...item].length, width));
    if (line && [...line].length + 3 + [...piece].length > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line}   ${piece}` : piece;
  }
  if (line) lines.push(line);
  return lines;
}

/** Pads or cuts to exactly `width` terminal cells (with … when cut). */
export function fit(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text + ' '.repeat(width - chars.length);
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}
