import { isTimed, serviceOf, sortByStartTime, type Span, type TimedSpan } from '../model/span.js';
import { httpCall, httpServed, pathsMatch, portsPair } from './http-evidence.js';
import { hintNamesService, peerHints } from './peers.js';
import type { TimeWindow } from './windows.js';

/**
 * Finds, for an outgoing call that has no child in its own trace, the span in
 * another trace that most likely received it: a root SERVER span in the called
 * service starting within the call's time window (a CLIENT hop), or a root
 * CONSUMER span on the same destination (a PRODUCER hop). That pair is what a
 * hop that did not propagate `traceparent` leaves behind.
 */
export interface LostHop {
  caller: Span;
  /** The root singled out by the evidence, else the nearest in time. */
  callee: Span;
  /** How many roots fitted the call's window. */
  candidates: number;
  /**
   * What singles the callee out, strongest first: the two ends of one
   * connection (the client's port is the server's peer port), the path or
   * route the client asked for, the only root that fits the window. Undefined
   * when several fit and nothing tells them apart: a guess.
   */
  evidence: 'ports' | 'path' | 'only-fit' | undefined;
}

export interface HopWindows {
  /** Slack for clock differences around a synchronous call, in ns. */
  toleranceNano: bigint;
  /** How long after a message is produced its consumer may start, in ns. */
  messagingWindowNano: bigint;
}

export class EntryIndex {
  private readonly entries: TimedSpan[];

  /** Of the traces' roots, the SERVER and CONSUMER spans (whose times are known), by start time. */
  constructor(roots: readonly Span[]) {
    this.entries = [];
    for (const root of roots) if ((root.kind === 'SERVER' || root.kind === 'CONSUMER') && isTimed(root)) this.entries.push(root);
    sortByStartTime(this.entries);
  }

  /** Entries starting in [from, to], by binary search then a scan of the window. */
  startingBetween(from: bigint, to: bigint): TimedSpan[] {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.entries[mid]!.startTimeUnixNano < from) low = mid + 1;
      else high = mid;
    }
    const found: TimedSpan[] = [];
    for (let i = low; i < this.entries.length && this.entries[i]!.startTimeUnixNano <= to; i++) found.push(this.entries[i]!);
    return found;
  }
}

/** A span's place in time, for the window indexes. */
export function spanWindow(span: TimedSpan): TimeWindow {
  return { start: span.startTimeUnixNano, end: span.endTimeUnixNano };
}


export function findLostHop(caller: Span, index: EntryIndex, windows: HopWindows): LostHop | undefined {
  // A call whose time is unknown has no window to search.
  if (!isTimed(caller)) return undefined;
  const candidates = caller.kind === 'PRODUCER' ? consumerCandidates(caller, index, windows) : serverCandidates(caller, index, windows);
  if (candidates.length === 0) return undefined;
  const distance = (span: TimedSpan): bigint => {
    const d = span.startTimeUnixNano - caller.startTimeUnixNano;
    return d < 0n ? -d : d;
  };
  const nearest = candidates.reduce((best, span) => (distance(span) < distance(best) ? span : best));
  if (candidates.length === 1) return { caller, callee: nearest, candidates: 1, evidence: 'only-fit' };
  if (caller.kind === 'PRODUCER') return { caller, callee: nearest, candidates: candidates.length, evidence: undefined };
  const call = httpCall(caller);
  const served = candidates.map((span) => ({ span, served: httpServed(span) }));
  const paired = served.filter(({ served: s }) => portsPair(call, s));
  if (paired.length === 1) return { caller, callee: paired[0]!.span, candidates: candidates.length, evidence: 'ports' };
  const samePath = served.filter(({ served: s }) => pathsMatch(call, s));
  if (samePath.length === 1) return { caller, callee: samePath[0]!.span, candidates: candidates.length, evidence: 'path' };
  return { caller, callee: nearest, candidates: candidates.length, evidence: undefined };
}

/**
 * SERVER roots in the called service within the call. Without peer attributes
 * the match rests on timing alone, so it asks more: no slack, another service,
 * and not a database call (databases are rarely traced services).
 */
function serverCandidates(caller: TimedSpan, index: EntryIndex, windows: HopWindows): TimedSpan[] {
  const hints = peerHints(caller);
  if (hints.length === 0 && isDatabaseCall(caller)) return [];
  const callerService = serviceOf(caller);
  const slack = hints.length > 0 ? windows.toleranceNano : 0n;
  const end = caller.endTimeUnixNano + slack;
  return index.startingBetween(caller.startTimeUnixNano - slack, end).filter((span) => {
    if (span.kind !== 'SERVER' || span.traceId === caller.traceId || span.endTimeUnixNano > end) return false;
    const service = serviceOf(span);
    return hints.length > 0 ? hints.some((hint) => hintNamesService(hint, service)) : service !== callerService;
  });
}

function isDatabaseCall(span: Span): boolean {
  return span.attributes['db.system.name'] !== undefined || span.attributes['db.system'] !== undefined;
}

function consumerCandidates(producer: TimedSpan, index: EntryIndex, windows: HopWindows): TimedSpan[] {
  const destination = destinationOf(producer);
  if (destination === undefined) return [];
  return index
    .startingBetween(producer.startTimeUnixNano - windows.toleranceNano, producer.endTimeUnixNano + windows.messagingWindowNano)
    .filter((span) => span.kind === 'CONSUMER' && span.traceId !== producer.traceId && span.links.length === 0 && destinationOf(span) === destination);
}

function destinationOf(span: Span): string | undefined {
  const value = span.attributes['messaging.destination.name'] ?? span.attributes['messaging.destination'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
