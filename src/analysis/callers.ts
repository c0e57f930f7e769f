import { serviceOf } from '../model/span.js';
import type { TraceSet } from '../model/trace.js';
import { httpCall, httpServed, pathsMatch } from './http-evidence.js';

/**
 * Who calls whom, from the hops that were traced: a CLIENT span of one service
 * with a SERVER child in another. It says which services are internal (called
 * by other traced services) and which services call which route, so a rule
 * can tell the likely caller of an untraced request from the rest of the data.
 */
export class CallGraph {
  private readonly callers = new Map<string, Set<string>>();
  /** Per callee, the distinct calls seen (caller service, method and path). */
  private readonly calls = new Map<string, Map<string, { caller: string; call: ReturnType<typeof httpCall> }>>();

  constructor(traces: TraceSet) {
    for (const trace of traces.traces.values()) {
      for (const span of trace.spans) {
        if (span.kind !== 'SERVER') continue;
        const parent = trace.parent(span);
        if (!parent || parent.kind !== 'CLIENT') continue;
        const caller = serviceOf(parent);
        const callee = serviceOf(span);
        if (caller === callee) continue;
        const set = this.callers.get(callee) ?? new Set<string>();
        set.add(caller);
        this.callers.set(callee, set);
        const calls = this.calls.get(callee) ?? new Map<string, { caller: string; call: ReturnType<typeof httpCall> }>();
        const call = httpCall(parent);
        const key = `${caller}\u0000${call.method ?? ''}\u0000${call.path ?? ''}`;
        if (calls.size < MAX_CALLS_KEPT && !calls.has(key)) calls.set(key, { caller, call });
        this.calls.set(callee, calls);
      }
    }
  }

  /** Services seen calling `service` through a traced hop. */
  callersOf(service: string): ReadonlySet<string> {
    return this.callers.get(service) ?? NONE;
  }

  /** Of those, the ones seen calling the path or route that this server span served. */
  callersOfRoute(service: string, served: ReturnType<typeof httpServed>): ReadonlySet<string> {
    const found = new Set<string>();
    for (const { caller, call } of this.calls.get(service)?.values() ?? []) if (pathsMatch(call, served)) found.add(caller);
    return found;
  }
}

/** Distinct calls kept per callee: enough to learn who calls which route (paths with ids make many). */
const MAX_CALLS_KEPT = 10_000;

const NONE: ReadonlySet<string> = new Set();
