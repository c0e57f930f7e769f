import type { Hop } from './summary.js';
import { pathsMatch, type HttpServed } from './http-evidence.js';

/**
 * Who calls whom, from the hops that were traced: a CLIENT span of one service
 * with a SERVER child in another (the summary's hops). It says which services
 * are internal (called by other traced services) and which services call which
 * route, so a rule can tell the likely caller of an untraced request from the
 * rest of the data.
 */
export class CallGraph {
  private readonly callers = new Map<string, Set<string>>();
  private readonly calls = new Map<string, Hop[]>();

  constructor(hops: readonly Hop[]) {
    for (const hop of hops) {
      const set = this.callers.get(hop.callee) ?? new Set<string>();
      set.add(hop.caller);
      this.callers.set(hop.callee, set);
      const calls = this.calls.get(hop.callee);
      if (calls) calls.push(hop);
      else this.calls.set(hop.callee, [hop]);
    }
  }

  /** Services seen calling `service` through a traced hop. */
  callersOf(service: string): ReadonlySet<string> {
    return this.callers.get(service) ?? NONE;
  }

  /** Of those, the ones seen calling the path or route that this server span served. */
  callersOfRoute(service: string, served: HttpServed): ReadonlySet<string> {
    const found = new Set<string>();
    for (const { caller, call } of this.calls.get(service) ?? []) if (pathsMatch(call, served)) found.add(caller);
    return found;
  }
}

const NONE: ReadonlySet<string> = new Set();
