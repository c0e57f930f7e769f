import { countedLinks, isTimed, listOrNone, NO_SCOPE, pickAttributes, serviceOf, spanStatus, type Span } from '../model/span.js';
import type { SpanColumns } from '../model/store.js';
import type { Trace, TraceSet } from '../model/trace.js';
import { httpCall, type HttpCall } from './http-evidence.js';
import { mergeBySpan, sortBySpan } from './span-order.js';
import type { TimeWindow } from './windows.js';

/**
 * What the cross-trace rules need to know of a set of traces, and no more:
 * the second of the two stages of a check. The first stage (every per-trace
 * rule) needs one trace's spans at a time; this summary is built trace by
 * trace alongside it, so a run can be split into shards by trace id, each
 * shard's summary written out, and the summaries merged (mergeSummaries) for
 * the cross-trace rules to run once over all of them, with the findings of one
 * run over everything.
 *
 * Every list is in a canonical order (trace id, then span id), so the rules see
 * the same summary however the traces were split.
 */
export interface CrossTraceSummary {
  /** Every service that exported spans, sorted. */
  services: string[];
  /** Trace roots: spans with no parent id. */
  roots: Span[];
  /** CLIENT and PRODUCER spans with no child in their trace: where a hop may have been lost. */
  childlessCalls: Span[];
  /** SERVER and CONSUMER spans: the requests services serve, as windows. */
  requests: Span[];
  /** Where a service's work in a trace begins (a root, or a span whose parent is another service's), with the CLIENT spans that work made. */
  localRoots: LocalRoot[];
  /** Spans whose parent was never exported. */
  orphans: Span[];
  /** Traced hops, each distinct one once: a CLIENT span of one service with a SERVER child in another. */
  hops: Hop[];
}

export interface LocalRoot {
  span: Span;
  /** When the service made CLIENT spans in that trace. */
  calls: TimeWindow[];
}

export interface Hop {
  caller: string;
  callee: string;
  call: HttpCall;
}

const summaries = new WeakMap<TraceSet, CrossTraceSummary>();

/** The summary of a set of traces (built once per set), of the spans themselves: what marks.ts compares by identity. */
export function summarize(traces: TraceSet): CrossTraceSummary {
  let summary = summaries.get(traces);
  if (!summary) {
    const builder = new SummaryBuilder();
    traces.forEachTrace((trace) => builder.add(trace));
    summaries.set(traces, (summary = builder.finish()));
  }
  return summary;
}

/**
 * Builds the summary trace by trace, as the per-trace rules run, so a check
 * needs each trace only while it is visited. With `slim`, the spans it keeps
 * are cross-trace views: what a shard file carries, and all the cross-trace
 * rules read, rather than the whole span — read from the span store when the
 * trace came from one (`rows`), else copied (crossTraceView).
 */
export class SummaryBuilder {
  private readonly summary: CrossTraceSummary = { services: [], roots: [], childlessCalls: [], requests: [], localRoots: [], orphans: [], hops: [] };
  private readonly services = new Set<string>();
  private readonly hops = new Map<string, Hop>();

  constructor(
    private readonly slim = false,
    private readonly store?: SpanColumns,
  ) {}

  add(trace: Trace, rows?: Uint32Array): void {
    const { summary, store, slim } = this;
    const spans = trace.spans;
    // One view per span, by its place in the trace (no map keyed by span: a 1M-span trace made
    // two of a million entries), so a span in several lists is one object, as in the trace.
    const views: Array<Span | undefined> = slim ? new Array<Span | undefined>(spans.length) : [];
    const keep = (i: number): Span => {
      if (!slim) return spans[i]!;
      return (views[i] ??= store && rows ? store.view(rows[i]!, CROSS_TRACE_SPAN_KEYS) : crossTraceView(spans[i]!));
    };
    // The places of spans with no tree parent (roots, orphans, self-parents): few, looked up below.
    const parentless = new Map<Span, number>();
    const clientCalls = new Map<string, TimeWindow[]>();
    const localRoots: number[] = [];
    this.addSpans(trace, keep, parentless, clientCalls, localRoots);
    for (const span of trace.roots) summary.roots.push(keep(parentless.get(span)!));
    for (const span of trace.orphans) summary.orphans.push(keep(parentless.get(span)!));
    for (const i of localRoots) summary.localRoots.push({ span: keep(i), calls: clientCalls.get(serviceOf(spans[i]!)) ?? NO_CALLS });
  }

  /**
   * The span-by-span part of add. A loop of its own: V8 (Node 20) compiles a
   * long loop while it runs (on-stack replacement), and when the first trace
   * was a big one, code after the loop had never run; each later trace then
   * left that compiled loop at once (a sequential job's 333k small traces
   * spent 4.5 s so).
   */
  private addSpans(trace: Trace, keep: (i: number) => Span, parentless: Map<Span, number>, clientCalls: Map<string, TimeWindow[]>, localRoots: number[]): void {
    const { summary, services, hops } = this;
    const spans = trace.spans;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i]!;
      const service = serviceOf(span);
      services.add(service);
      const parent = trace.parentAt(i);
      if (!parent) parentless.set(span, i);
      if (span.kind === 'CLIENT' || span.kind === 'PRODUCER') {
        if (trace.childCountAt(i) === 0) summary.childlessCalls.push(keep(i));
        if (span.kind === 'CLIENT' && isTimed(span)) {
          const list = clientCalls.get(service) ?? [];
          list.push({ start: span.startTimeUnixNano, end: span.endTimeUnixNano });
          clientCalls.set(service, list);
        }
      } else if (span.kind === 'SERVER' || span.kind === 'CONSUMER') {
        summary.requests.push(keep(i));
        if (span.kind === 'SERVER' && parent?.kind === 'CLIENT' && serviceOf(parent) !== service) addHop(hops, serviceOf(parent), service, httpCall(parent));
      }
      if (!parent || serviceOf(parent) !== service) localRoots.push(i);
    }
  }

  /** The summary, in canonical order; with `forMerge`, its lists keep the ids their sort read (keysOfList), for mergeSummaries. */
  finish(forMerge = false): CrossTraceSummary {
    this.summary.services = [...this.services].sort();
    this.summary.hops = [...this.hops.values()];
    return canonical(this.summary, forMerge);
  }
}

/** The span attributes the cross-trace rules read (analysis/peers, http-evidence, hops, user-agent). */
export const CROSS_TRACE_SPAN_KEYS: readonly string[] = [
  'peer.service', 'server.address', 'net.peer.name', 'http.host', 'rpc.service', 'messaging.destination.name', 'messaging.destination',
  'url.full', 'http.url', 'url.path', 'http.target', 'http.route', 'http.request.method', 'http.method',
  'network.local.port', 'net.sock.host.port', 'client.port', 'network.peer.port', 'net.sock.peer.port', 'net.peer.port',
  'user_agent.original', 'http.user_agent', 'client.address', 'network.peer.address', 'net.sock.peer.addr', 'net.peer.ip',
  'db.system', 'db.system.name',
];

/**
 * What the cross-trace rules may read of a span, and a shard file carries:
 * ids, name, kind, times, the attributes they read, whether it has links,
 * its resource and where it was read. The rest is left at its empty value.
 */
export function crossTraceView(span: Span): Span {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    status: spanStatus('UNSET'),
    attributes: pickAttributes(span.attributes, CROSS_TRACE_SPAN_KEYS),
    events: listOrNone([]),
    links: countedLinks(span.links.length),
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    resource: span.resource,
    scope: NO_SCOPE,
    source: span.source,
  };
}

/** The calls of a local root whose service made none in its trace: one shared list (half a million single-span traces made half a million). */
const NO_CALLS: TimeWindow[] = Object.freeze([]) as unknown as TimeWindow[];

/** Distinct calls kept per callee: enough to learn who calls which route (paths with ids make many). */
const MAX_HOPS_PER_CALLEE = 10_000;

function addHop(hops: Map<string, Hop>, caller: string, callee: string, call: HttpCall): void {
  const key = hopKey({ caller, callee, call });
  if (!hops.has(key)) hops.set(key, { caller, callee, call });
}

/** A hop's identity. An absent field is not an empty one (else which of two such hops a merge kept would hang on shard order). */
function hopKey(hop: Hop): string {
  const field = (value: string | number | undefined): string => (value === undefined ? '\u0001' : `=${value}`);
  return [hop.callee, hop.caller, field(hop.call.method), field(hop.call.path), field(hop.call.localPort)].join('\u0000');
}

/** The summaries of shards, as one: the summary of all their traces. Each is in canonical order, so their lists merge in one pass. */
export function mergeSummaries(parts: readonly CrossTraceSummary[]): CrossTraceSummary {
  const services = new Set<string>();
  const hops = new Map<string, Hop>();
  for (const part of parts) {
    for (const service of part.services) services.add(service);
    for (const hop of part.hops) if (!hops.has(hopKey(hop))) hops.set(hopKey(hop), hop);
  }
  const merged = <K extends 'roots' | 'childlessCalls' | 'requests' | 'orphans'>(list: K): Span[] => mergeBySpan(parts.map((part) => part[list]), (span) => span);
  return canonicalHops({
    services: [...services].sort(),
    roots: merged('roots'),
    childlessCalls: merged('childlessCalls'),
    requests: merged('requests'),
    orphans: merged('orphans'),
    localRoots: mergeBySpan(parts.map((part) => part.localRoots), (root) => root.span),
    hops: [...hops.values()],
  });
}

/** Every list in trace id, span id order (hops by callee and caller), bounded where it could grow without end. */
function canonical(summary: CrossTraceSummary, keepKeys = false): CrossTraceSummary {
  for (const list of [summary.roots, summary.childlessCalls, summary.requests, summary.orphans]) sortBySpan(list, (span) => span, keepKeys);
  sortBySpan(summary.localRoots, (root) => root.span, keepKeys);
  return canonicalHops(summary);
}

/** Hops by callee and caller, at most MAX_HOPS_PER_CALLEE each. */
function canonicalHops(summary: CrossTraceSummary): CrossTraceSummary {
  summary.hops.sort((a, b) => compare(hopKey(a), hopKey(b)));
  const perCallee = new Map<string, number>();
  summary.hops = summary.hops.filter((hop) => {
    const n = (perCallee.get(hop.callee) ?? 0) + 1;
    perCallee.set(hop.callee, n);
    return n <= MAX_HOPS_PER_CALLEE;
  });
  return summary;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
