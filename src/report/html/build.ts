import { lostPropagationCalls, MARK_MEANING, MARKS, type Mark } from '../../analysis/marks.js';
import type { Diagnostic, Rule } from '../../lint/types.js';
import { durationNano, serviceOf, type Attributes, type Resource, type Span } from '../../model/span.js';
import { formatDuration, formatTimestamp } from '../../model/time.js';
import { displayTraceId, traceDuration, type Trace, type TraceSet } from '../../model/trace.js';
import { maskPii } from '../../rules/support/pii-mask.js';
import { groupThousands } from '../../render/numbers.js';
import { safeText } from '../../render/safe-text.js';
import { showValue } from '../../render/tables.js';
import { UNICODE_MARKS } from '../../render/theme.js';
import { layoutWaterfall, waterfallMarks } from '../../render/waterfall.js';
import { exitReasons, noticeText } from '../findings.js';
import { MaskedTraces } from '../masked.js';
import { displayPath } from '../paths.js';
import { ruleDocsUrl } from '../rule-docs.js';
import type { RunNotice, RunSummary } from '../types.js';
import type { FindingData, SpanData, TraceData, ViewerData } from './data.js';

/**
 * Turns traces and findings into the page's data. Span details (what a waterfall
 * needs) are embedded for at most SPAN_BUDGET spans, so that a 100k-span input
 * still makes a file a browser opens quickly: when everything fits, every trace
 * can be drawn; otherwise the traces with findings (the most errors first), or
 * the ones traceview chose, are embedded in that order until the budget is
 * spent, and the rest are listed with their totals. The first of them is
 * embedded even past the budget, up to MAX_TRACE_SPANS, so one large trace is
 * always drawn.
 */
export const SPAN_BUDGET = 50_000;
export const MAX_TRACE_SPANS = 100_000;
const TEXT_CHARS = 2_000;
const VALUE_CHARS = 4_000;

export interface ViewInput {
  mode: 'check' | 'view';
  traces: TraceSet;
  /** view: the traces to draw, in order. check: drawn are the traces with findings. */
  chosen?: readonly Trace[];
  diagnostics: readonly Diagnostic[];
  rules: readonly Rule[];
  summary: RunSummary;
  notices: readonly RunNotice[];
  cwd: string;
  toolVersion: string;
}

export function buildViewerData(input: ViewInput): ViewerData {
  const { traces } = input;
  const findingsByTrace = countFindings(input.diagnostics);
  const candidates = input.mode === 'view' ? [...(input.chosen ?? [])] : rankByFindings(traces, findingsByTrace);
  const everything = traces.spanCount <= SPAN_BUDGET;
  const embedded = everything ? new Set(traces.traces.values()) : withinBudget(candidates);
  const open = new Set(candidates);
  const lost = lostPropagationCalls(traces);
  const masked = new MaskedTraces();
  const resources = new ResourceTable();
  // Listed in the order they are drawn, then the others in input order.
  const ordered = [...new Set([...candidates, ...traces.traces.values()])];
  const traceData = ordered.map((trace): TraceData => {
    const data = traceSummary(trace, open.has(trace));
    if (embedded.has(trace)) data.spans = spanData(masked.mask(trace, lost), resources);
    else data.notDrawn = open.has(trace) ? `not drawn: the page holds at most ${groupThousands(SPAN_BUDGET)} spans` : 'not drawn: no findings, and the input is too large to hold every trace';
    return data;
  });
  const drawnCandidates = candidates.filter((trace) => embedded.has(trace)).length;
  const notes = everything || candidates.length === drawnCandidates ? [] : [`${groupThousands(drawnCandidates)} of ${groupThousands(candidates.length)} traces ${input.mode === 'view' ? 'chosen' : 'with findings'} are drawn: the page holds the spans of at most ${groupThousands(SPAN_BUDGET)} (the largest trace up to ${groupThousands(MAX_TRACE_SPANS)}), so that it stays quick to open. The others are listed with their totals${input.mode === 'check' ? ' and findings' : ''}.`];
  if (!everything) notes.push(`${groupThousands(traces.traces.size - embedded.size)} traces are listed without their spans.`);
  // What reading said (lines skipped, parts merged, errors that make the run incomplete) comes first.
  notes.unshift(...input.notices.map((notice) => shown(`${notice.level === 'error' ? 'error' : 'note'}: ${noticeText(notice, input.cwd)}`)));
  const ruleIds = new Set(input.diagnostics.map((d) => d.ruleId));
  return {
    version: 1,
    mode: input.mode,
    toolVersion: safeText(input.toolVersion),
    summary: {
      inputs: input.summary.inputs.map((item) => ({ name: shown(displayPath(item.name, input.cwd)), format: item.format, spans: item.spans })),
      traces: input.summary.traces,
      spans: input.summary.spans,
      services: new Set(traces.spans().map(serviceOf)).size,
      errors: input.summary.errors,
      warnings: input.summary.warnings,
      baselined: input.summary.baselined,
      ignored: input.summary.ignored,
    },
    ...(input.mode === 'check' ? { outcome: { exitCode: input.summary.exitCode, reasons: exitReasons(input.summary, input.notices, input.cwd).map((reason) => shown(reason)) } } : {}),
    marks: MARKS.map((id: Mark) => ({ id, symbol: UNICODE_MARKS[id], meaning: MARK_MEANING[id] })),
    rules: input.rules
      .filter((rule) => ruleIds.has(rule.id))
      .map((rule) => ({ id: shown(rule.id), category: rule.category, summary: shown(rule.summary), why: shown(rule.docs.why, 10_000), fix: shown(rule.docs.fix, 10_000), ...optional('url', ruleDocsUrl(rule.id, input.toolVersion)) })),
    findings: input.diagnostics.map((d) => findingData(d, input.cwd)),
    traces: traceData,
    resources: resources.list,
    notes,
  };
}

function countFindings(diagnostics: readonly Diagnostic[]): Map<string, { errors: number; warnings: number }> {
  const counts = new Map<string, { errors: number; warnings: number }>();
  for (const d of diagnostics) {
    if (d.traceId === undefined) continue;
    const count = counts.get(d.traceId) ?? { errors: 0, warnings: 0 };
    counts.set(d.traceId, count);
    if (d.severity === 'error') count.errors++;
    else count.warnings++;
  }
  return counts;
}

/** Traces with findings: the most error-level findings first, then the most warnings, then input order. */
function rankByFindings(traces: TraceSet, counts: ReadonlyMap<string, { errors: number; warnings: number }>): Trace[] {
  const found = [...traces.traces.values()].filter((trace) => counts.has(trace.traceId));
  const order = new Map(found.map((trace, i) => [trace, i]));
  return found.sort((a, b) => {
    const x = counts.get(a.traceId)!;
    const y = counts.get(b.traceId)!;
    return y.errors - x.errors || y.warnings - x.warnings || order.get(a)! - order.get(b)!;
  });
}

function withinBudget(candidates: readonly Trace[]): Set<Trace> {
  const embedded = new Set<Trace>();
  let spans = 0;
  for (const trace of candidates) {
    const first = embedded.size === 0 && trace.spans.length <= MAX_TRACE_SPANS;
    if (!first && spans + trace.spans.length > SPAN_BUDGET) continue;
    embedded.add(trace);
    spans += trace.spans.length;
  }
  return embedded;
}

function traceSummary(trace: Trace, open: boolean): TraceData {
  const root = trace.roots[0] ?? trace.tops[0] ?? trace.spans[0];
  const services = [...new Set(trace.spans.map(serviceOf))].map((service) => shown(service, 200));
  const duration = traceDuration(trace);
  return {
    id: shown(trace.traceId, 200),
    displayId: shown(displayTraceId(trace), 200),
    root: root ? shown(`${serviceOf(root)}: ${maskPii(root.name)}`, 200) : '',
    spanCount: trace.spans.length,
    duration: duration === undefined ? '' : formatDuration(duration),
    durationNs: duration === undefined ? null : Number(duration),
    start: trace.startTimeUnixNano === undefined ? '' : formatTimestamp(trace.startTimeUnixNano),
    errors: trace.spans.filter((span) => span.status.code === 'ERROR').length,
    services,
    open,
  };
}

/** The spans of a masked trace in waterfall order, with their marks and critical stretches. */
function spanData({ trace, lost }: { trace: Trace; lost: Set<Span> }, resources: ResourceTable): SpanData[] {
  const marks = waterfallMarks(trace, lost);
  const base = trace.startTimeUnixNano;
  // Offsets from the earliest known start; an unknown time stays unknown (null), never 0.
  const at = (ns: bigint | undefined): number | null => (ns === undefined || base === undefined ? null : Number(ns - base));
  const critical = new Map<Span, Array<[number, number]>>();
  for (const section of marks.criticalPath) {
    const list = critical.get(section.span) ?? [];
    critical.set(section.span, list);
    const [start, end] = [at(section.start), at(section.end)];
    if (start !== null && end !== null) list.push([start, end]);
  }
  const serviceIndex = new Map([...new Set(trace.spans.map(serviceOf))].map((service, i) => [service, i]));
  return layoutWaterfall(trace, { width: 0 }, marks).map(({ span, depth, marks: spanMarks }) => ({
    id: shown(span.spanId, 200),
    ...optional('parent', span.parentSpanId === undefined ? undefined : shown(span.parentSpanId, 200)),
    name: shown(span.name),
    kind: span.kind,
    service: serviceIndex.get(serviceOf(span))!,
    depth,
    start: at(span.startTimeUnixNano),
    end: at(span.endTimeUnixNano),
    duration: formatDuration(durationNano(span)),
    startText: formatTimestamp(span.startTimeUnixNano),
    status: span.status.code,
    ...optional('message', span.status.message === undefined ? undefined : shown(span.status.message)),
    marks: spanMarks,
    ...optional('critical', critical.get(span)?.length ? critical.get(span) : undefined),
    attributes: pairs(span.attributes),
    events: span.events.map((event) => ({ at: at(event.timeUnixNano), name: shown(event.name, 500), attributes: pairs(event.attributes) })),
    links: span.links.map((link) => ({ traceId: shown(link.traceId, 200), spanId: shown(link.spanId, 200), kind: link.refType ?? 'link', attributes: pairs(link.attributes) })),
    resource: resources.index(span.resource),
    fields: otherFields(span),
  }));
}

function otherFields(span: Span): Array<[string, string]> {
  const fields: Array<[string, string]> = [];
  if (span.scope.name) fields.push(['scope', shown(`${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}`, 500)]);
  fields.push(['source', shown(`${span.source.file}${span.source.line ? `:${span.source.line}:${span.source.column ?? 1}` : ''} (${span.source.format})`, 500)]);
  if (span.flags !== undefined) fields.push(['flags', `0x${span.flags.toString(16).padStart(2, '0')}`]);
  if (span.traceState) fields.push(['trace state', shown(maskPii(span.traceState), 500)]);
  if (span.parentRefType) fields.push(['parent reference', span.parentRefType]);
  if (span.shared) fields.push(['shared', 'the server half of a Zipkin RPC (its client’s span id)']);
  const dropped = [['attributes', span.droppedAttributesCount], ['events', span.droppedEventsCount], ['links', span.droppedLinksCount]].filter(([, n]) => Number(n) > 0);
  if (dropped.length > 0) fields.push(['dropped', dropped.map(([what, n]) => `${n} ${what}`).join(', ')]);
  for (const problem of span.idProblems ?? []) fields.push([`id problem (${problem.field})`, shown(`${problem.problem}: ${problem.seen}`, 200)]);
  return fields;
}

function findingData(d: Diagnostic, cwd: string): FindingData {
  const where = (location: Diagnostic['location']): string | undefined =>
    location ? shown(`${displayPath(location.file, cwd)}${location.line !== undefined ? `:${location.line}:${location.column ?? 1}` : ''}`, 500) : undefined;
  const { occurrences } = d;
  return {
    rule: shown(d.ruleId, 200),
    severity: d.severity,
    message: shown(d.message),
    ...optional('traceId', d.traceId === undefined ? undefined : shown(d.traceId, 200)),
    ...optional('spanId', d.spanId === undefined ? undefined : shown(d.spanId, 200)),
    ...optional('service', d.service === undefined ? undefined : shown(d.service, 200)),
    ...optional('location', where(d.location)),
    spans: d.count,
    ...optional(
      'occurrences',
      occurrences?.map((o) => ({ ...optional('traceId', o.traceId === undefined ? undefined : shown(o.traceId, 200)), ...optional('spanId', o.spanId === undefined ? undefined : shown(o.spanId, 200)), ...optional('location', where(o.location)) })),
    ),
  };
}

/** Resources are shared by the spans of a process: each is embedded once. */
class ResourceTable {
  readonly list: Array<Array<[string, string]>> = [];
  private readonly indexes = new Map<Resource, number>();

  index(resource: Resource): number {
    let index = this.indexes.get(resource);
    if (index === undefined) {
      index = this.list.length;
      this.list.push(pairs(resource.attributes));
      this.indexes.set(resource, index);
    }
    return index;
  }
}

/** Attributes as sorted [key, text] pairs (the values already masked). */
function pairs(attributes: Attributes): Array<[string, string]> {
  return Object.keys(attributes)
    .sort()
    .map((key) => [shown(key, 500), shown(showValue(attributes[key]!), VALUE_CHARS)]);
}

/** Text as the page shows it: control and bidi characters escaped, clipped (saying how long it was). */
function shown(text: string, max = TEXT_CHARS): string {
  const safe = safeText(text);
  return safe.length > max ? `${safe.slice(0, max - 1)}… (${groupThousands(safe.length)} characters)` : safe;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
