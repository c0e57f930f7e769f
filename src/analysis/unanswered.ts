import { serviceOf, type Span } from '../model/span.js';
import { EntryIndex, findLostHop, type HopWindows } from './hops.js';
import { hintNamesService, peerHints } from './peers.js';
import type { CrossTraceSummary } from './summary.js';

/**
 * CLIENT calls to a service that exports spans elsewhere in the data, with no
 * child and no new trace of that service answering them: the callee's spans
 * for these calls are nowhere (sampled out, or dropped before export).
 */
export interface UnansweredCall {
  call: Span;
  callee: string;
}

/** Asked by two rules (missing-service-spans, dropped-batch) of one summary: found once per summary and tolerance. */
const found = new WeakMap<CrossTraceSummary, Map<bigint, UnansweredCall[]>>();

export function unansweredCalls(summary: CrossTraceSummary, windows: HopWindows): UnansweredCall[] {
  const bySlack = found.get(summary) ?? new Map<bigint, UnansweredCall[]>();
  found.set(summary, bySlack);
  let calls = bySlack.get(windows.toleranceNano);
  if (!calls) bySlack.set(windows.toleranceNano, (calls = findUnanswered(summary, windows)));
  return calls;
}

function findUnanswered(summary: CrossTraceSummary, windows: HopWindows): UnansweredCall[] {
  const index = new EntryIndex(summary.roots);
  const calls: UnansweredCall[] = [];
  for (const span of summary.childlessCalls) {
    if (span.kind !== 'CLIENT') continue;
    const hints = peerHints(span);
    if (hints.length === 0) continue;
    const caller = serviceOf(span);
    const callee = summary.services.find((service) => service !== caller && hints.some((hint) => hintNamesService(hint, service)));
    if (callee === undefined || findLostHop(span, index, windows)) continue;
    calls.push({ call: span, callee });
  }
  return calls;
}
