import { byStartTime, listOrNone, spanStatus, type FormatName, type Span, type SpanEvent } from '../model/span.js';
import { DURATION_WITHOUT_START } from './zipkin.js';

/**
 * Zipkin reporters may send one span in parts: the same trace and span id
 * from the same local endpoint, one part with the start, another with the
 * duration or tags (a `flush`, a late annotation). Zipkin merges them before
 * it builds the tree (zipkin2.internal.Trace.merge, zipkin-lens
 * mergeV2ById), and so does this, with Zipkin's rules:
 *
 * - parts merge when their `shared` flags agree and their local endpoints do
 *   not contradict each other (service name and address, where both say);
 *   a client half and its shared server half stay two spans;
 * - unlike Zipkin, parts whose times contradict each other (two different
 *   starts, or two different durations) are not one span sent in pieces but
 *   several spans with one id: they are left apart, for duplicate-span-id to
 *   report, rather than merged into one with the other times lost;
 * - the merged span takes each field from the first part that has it, tags
 *   from all parts (later ones win), annotations from all;
 * - a SERVER span with the id of a CLIENT span but no `shared` flag is the
 *   server half of that RPC (Zipkin backfills the flag), and a shared server
 *   half without a parent id takes its client's.
 *
 * One step beyond Zipkin: a part with no kind says nothing about `shared` (the
 * flag belongs to server halves), so it merges into the one part of the same
 * id whose endpoint matches, shared or not. Zipkin keeps such a part apart,
 * which shows the span twice, once without times. When more than one part
 * could take it, it is left as it is.
 */
export interface ZipkinMerge {
  spans: Span[];
  /** Parts merged into another part of the same span. */
  merged: number;
}

/** What a whole document's spans need once all are read: for Zipkin, the parts of one span merged. */
export function finishDocument(format: FormatName, spans: Span[]): ZipkinMerge {
  return format === 'zipkin' ? mergeZipkinParts(spans) : { spans, merged: 0 };
}

export function mergeZipkinParts(spans: readonly Span[]): ZipkinMerge {
  const byId = new Map<string, Span[]>();
  let reused = false;
  for (const span of spans) {
    const key = `${span.traceId}/${span.spanId}`;
    const group = byId.get(key);
    if (group) {
      group.push(span);
      reused = true;
    } else byId.set(key, [span]);
  }
  if (!reused) return { spans: spans as Span[], merged: 0 };
  // Each part merged away points at the span that took it; the rest keep their place.
  const takenBy = new Map<Span, Span>();
  for (const group of byId.values()) if (group.length > 1) mergeGroup(group, takenBy);
  const out: Span[] = [];
  const placed = new Set<Span>();
  for (const span of spans) {
    let target = span;
    while (takenBy.has(target)) target = takenBy.get(target)!;
    if (placed.has(target)) continue;
    placed.add(target);
    out.push(target);
  }
  return { spans: out, merged: spans.length - out.length };
}

/** Merges the parts of one id in place: `takenBy` records each part that another took. */
function mergeGroup(parts: Span[], takenBy: Map<Span, Span>): void {
  // Zipkin's order: client (non-shared) parts first, then shared ones; spans without an endpoint first among equals.
  const ordered = [...parts].sort((a, b) => sharedRank(a) - sharedRank(b) || Number(hasEndpoint(a)) - Number(hasEndpoint(b)));
  const kept: Span[] = [];
  for (const part of ordered) {
    const last = kept[kept.length - 1];
    if (last && Boolean(last.shared) === Boolean(part.shared) && endpointsAgree(last, part) && timesAgree(last, part)) {
      kept[kept.length - 1] = absorb(last, part, takenBy);
      continue;
    }
    kept.push(part);
  }
  // A part without kind: into the one other part whose endpoint matches.
  for (const part of [...kept]) {
    if (part.kind !== 'UNSPECIFIED' || part.shared) continue;
    const homes = kept.filter((other) => other !== part && other.kind !== 'UNSPECIFIED' && endpointsAgree(other, part) && sameService(other, part) && timesAgree(other, part));
    if (homes.length !== 1) continue;
    const home = homes[0]!;
    kept[kept.indexOf(home)] = absorb(home, part, takenBy);
    kept.splice(kept.indexOf(part), 1);
  }
  backfillShared(kept);
}

/** Zipkin's backfill: a SERVER part after a CLIENT part of the same id is its shared half. */
function backfillShared(kept: Span[]): void {
  const client = kept.find((span) => span.kind === 'CLIENT' && !span.shared);
  if (!client) return;
  for (const span of kept) {
    if (span.kind === 'SERVER' && !span.shared) span.shared = true;
    if (span.shared && span.parentSpanId === undefined && client.parentSpanId !== undefined) span.parentSpanId = client.parentSpanId;
  }
}

function sharedRank(span: Span): number {
  if (span.shared) return 2;
  return span.kind === 'CLIENT' ? 0 : 1;
}

function hasEndpoint(span: Span): boolean {
  return span.resource.serviceName !== undefined || span.resource.attributes['host.ip'] !== undefined;
}

/** Neither service name nor address contradicts the other's (Zipkin's EndpointTracker). */
function endpointsAgree(a: Span, b: Span): boolean {
  const nameA = a.resource.serviceName;
  const nameB = b.resource.serviceName;
  if (nameA !== undefined && nameB !== undefined && nameA !== nameB) return false;
  const ipA = a.resource.attributes['host.ip'];
  const ipB = b.resource.attributes['host.ip'];
  return ipA === undefined || ipB === undefined || JSON.stringify(ipA) === JSON.stringify(ipB);
}

/** Neither start nor duration contradicts the other part's, where both have one. */
function timesAgree(a: Span, b: Span): boolean {
  const startA = a.startTimeUnixNano;
  const startB = b.startTimeUnixNano;
  if (startA !== undefined && startB !== undefined && startA !== startB) return false;
  const durationA = durationOf(a);
  const durationB = durationOf(b);
  return durationA === undefined || durationB === undefined || durationA === durationB;
}

function sameService(a: Span, b: Span): boolean {
  return a.resource.serviceName !== undefined && a.resource.serviceName === b.resource.serviceName;
}

/** `into` with what `part` adds (Zipkin's Span.Builder.merge), placed where the earlier of the two was read. */
function absorb(into: Span, part: Span, takenBy: Map<Span, Span>): Span {
  const start = into.startTimeUnixNano ?? part.startTimeUnixNano;
  const duration = durationOf(into) ?? durationOf(part);
  const attributes = Object.assign(into.attributes, part.attributes);
  const events = [...into.events, ...part.events.filter((event) => !into.events.some((e) => e.name === event.name && e.timeUnixNano === event.timeUnixNano))].sort(byEventTime);
  const status = into.status.code === 'ERROR' ? into.status : part.status.code === 'ERROR' ? part.status : into.status.code !== 'UNSET' ? into.status : part.status;
  const merged: Span = {
    ...into,
    parentSpanId: into.parentSpanId ?? part.parentSpanId,
    name: into.name !== '' && into.name !== 'unknown' ? into.name : part.name,
    kind: into.kind !== 'UNSPECIFIED' ? into.kind : part.kind,
    startTimeUnixNano: start,
    endTimeUnixNano: start !== undefined && duration !== undefined ? start + duration : undefined,
    status: status.code === 'UNSET' ? spanStatus('UNSET') : status,
    attributes,
    events: listOrNone(events),
    resource: hasEndpoint(into) ? into.resource : part.resource,
    source: readFirst(into, part).source,
  };
  if (into.shared || part.shared) merged.shared = true;
  const problems = [...(into.idProblems ?? []), ...(part.idProblems ?? [])];
  if (problems.length > 0) merged.idProblems = problems;
  if (start === undefined && duration !== undefined) DURATION_WITHOUT_START.set(merged, duration);
  takenBy.set(into, merged);
  takenBy.set(part, merged);
  return merged;
}

/** Zipkin carries a duration, which the model keeps as the end: the duration of a part, where it has one (with or without a start). */
function durationOf(span: Span): bigint | undefined {
  if (span.startTimeUnixNano !== undefined && span.endTimeUnixNano !== undefined) return span.endTimeUnixNano - span.startTimeUnixNano;
  return DURATION_WITHOUT_START.get(span);
}

/** Annotations by time, as Zipkin sorts them. */
function byEventTime(a: SpanEvent, b: SpanEvent): number {
  return byStartTime({ startTimeUnixNano: a.timeUnixNano }, { startTimeUnixNano: b.timeUnixNano });
}

/** Of two spans, the one read first (by position in the input). */
function readFirst(a: Span, b: Span): Span {
  const lineA = a.source.line ?? 0;
  const lineB = b.source.line ?? 0;
  return lineA < lineB || (lineA === lineB && (a.source.column ?? 0) <= (b.source.column ?? 0)) ? a : b;
}
