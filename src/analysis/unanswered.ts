import { serviceOf, type Span } from '../model/span.js';
import type { TraceSet } from '../model/trace.js';
import { EntryIndex, findLostHop, isChildlessCall, type HopWindows } from './hops.js';
import { hintNamesService, peerHints } from './peers.js';

/**
 * CLIENT calls to a service that exports spans elsewhere in the data, with no
 * child and no new trace of that service answering them: the callee's spans
 * for these calls are nowhere (sampled out, or dropped before export).
 */
export interface UnansweredCall {
  call: Span;
  callee: string;
}

/** Asked by two rules (missing-service-spans, dropped-batch) of one set: found once per set and tolerance. */
const found = new WeakMap<TraceSet, Map<bigint, UnansweredCall[]>>();

export function unansweredCalls(traces: TraceSet, windows: HopWindows): UnansweredCall[] {
  const bySlack = found.get(traces) ?? new Map<bigint, UnansweredCall[]>();
  found.set(traces, bySlack);
  let calls = bySlack.get(windows.toleranceNano);
  if (!calls) bySlack.set(windows.toleranceNano, (calls = findUnanswered(traces, windows)));
  return calls;
}

function findUnanswered(traces: TraceSet, windows: HopWindows): UnansweredCall[] {
  const services = new Set<string>();
  for (const span of traces.spans()) services.add(serviceOf(span));
  const serviceList = [...services];
  const index = new EntryIndex(traces);
  const calls: UnansweredCall[] = [];
  for (const trace of traces.traces.values()) {
    for (const span of trace.spans) {
      if (span.kind !== 'CLIENT' || !isChildlessCall(span, trace)) continue;
      const hints = peerHints(span);
      if (hints.length === 0) continue;
      const caller = serviceOf(span);
      const callee = serviceList.find((service) => service !== caller && hints.some((hint) => hintNamesService(hint, service)));
      if (callee === undefined || findLostHop(span, index, windows)) continue;
      calls.push({ call: span, callee });
    }
  }
  return calls;
}
