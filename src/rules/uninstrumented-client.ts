import { CallGraph } from '../analysis/callers.js';
import { spanWindow } from '../analysis/hops.js';
import { httpServed } from '../analysis/http-evidence.js';
import { adviceForLanguage, callerOf } from '../analysis/user-agent.js';
import { countEnclosing, StabbingIndex, type TimeWindow } from '../analysis/windows.js';
import { defineRule } from '../lint/types.js';
import { displayTraceIdOf } from '../model/ids.js';
import type { LocalRoot } from '../analysis/summary.js';
import { isTimed, serviceOf, type Span, type TimedSpan } from '../model/span.js';
import { clockSkew } from './clock-skew.js';
import { clip, spanLabel } from './support/describe.js';

export const uninstrumentedClient = defineRule({
  id: 'uninstrumented-client',
  category: 'propagation',
  defaultSeverity: 'error',
  summary: 'A service made a call without a CLIENT span or traceparent: the callee started a new trace',
  docs: {
    why: "When a service calls another with an HTTP client its instrumentation does not cover (Node.js's global fetch without @opentelemetry/instrumentation-undici, a raw socket, a legacy client library), there is no CLIENT span and no traceparent: the callee's SERVER span becomes the root of a new trace while the caller's request is still running in its own. This is the most common broken hop in Node.js services. Nothing in the caller's trace shows the call, so lost-propagation (which starts from a CLIENT span) cannot see it. The rule starts from the callee's new root and reports only where the data single out the caller: the callee is an internal service (other traced services call it), the request came from a program, not a browser or a probe (its user agent), and exactly one request of its known callers (of that route, where the data show who calls it) was running around it, with no CLIENT span of its own at that moment. The finding is an error when the callee also saw the caller's address as its peer's, a warning when only the time singles it out. Where nothing singles out a caller, it says nothing.",
    fix: "Instrument the caller's HTTP client; the finding names the client its user agent shows and what instruments it (@opentelemetry/instrumentation-undici for Node.js's fetch, otelhttp.NewTransport in Go, opentelemetry-instrumentation-requests in Python, the Java agent). Or inject the context by hand: propagation.inject(context.active(), headers) before the call.",
    references: ['https://github.com/open-telemetry/opentelemetry-js-contrib/tree/main/packages/instrumentation-undici', 'https://www.w3.org/TR/trace-context/'],
  },
  options: {},
  scope: 'set',
  check({ crossTrace, report }) {
    const graph = new CallGraph(crossTrace.hops);
    const roots = untracedRoots(crossTrace.roots, graph);
    if (roots.length === 0) return;
    const work = localRootsByService(crossTrace.localRoots);
    const tolerance = { start: nanos(clockSkew.options.toleranceMs.default), end: nanos(clockSkew.options.endToleranceMs.default) };
    // The caller's request must enclose the call, give or take the clock tolerances.
    const queries: TimeWindow[] = roots.map(({ root }) => {
      const start = root.startTimeUnixNano + tolerance.start;
      const end = root.endTimeUnixNano - tolerance.end;
      return { start, end: end > start ? end : start };
    });
    // Per possible caller, the requests of it enclosing each root it may have called (asked together: O(n log n)).
    const asked = new Map<string, number[]>();
    roots.forEach(({ callers }, i) => {
      for (const service of callers) {
        const list = asked.get(service);
        if (list) list.push(i);
        else asked.set(service, [i]);
      }
    });
    const running = roots.map(() => ({ count: 0, request: undefined as Work | undefined }));
    for (const [service, indexes] of asked) {
      const windows = work.get(service);
      if (!windows) continue;
      countEnclosing(windows, indexes.map((i) => queries[i]!), (work) => spanWindow(work.span)).forEach((answer, k) => {
        const tally = running[indexes[k]!]!;
        tally.count += answer.count;
        tally.request ??= answer.only;
      });
    }
    roots.forEach(({ root, caller }, i) => {
      const { count, request: work } = running[i]!;
      if (count !== 1 || !work || work.span.traceId === root.traceId) return;
      // A CLIENT span of the caller at that moment: the call was traced, and lost-propagation speaks of it.
      if (callRunningAt(work.calls, root.startTimeUnixNano)) return;
      const request = work.span;
      const addressed = sameAddress(root, request);
      const advice = caller.kind === 'program' ? `the user agent says ${caller.client}: ${caller.advice}` : adviceForLanguage(request.resource.attributes['telemetry.sdk.language']);
      report({
        span: request,
        ...(addressed ? {} : { severity: 'warn' as const }),
        group: `${serviceOf(root)}\u0000${root.name}`,
        message: `${spanLabel(request)} made no CLIENT span for a call to '${clip(serviceOf(root))}', whose ${spanLabel(root)} started new trace ${displayTraceIdOf(root.traceId, root.source.format)} during it (${addressed ? 'from its address' : 'the only request of its callers running then'}): ${advice}`,
        data: { callerService: serviceOf(request), calleeService: serviceOf(root), calleeTraceId: root.traceId, calleeSpanId: root.spanId, evidence: addressed ? 'address' : 'only-request', client: caller.kind === 'program' ? caller.client : null },
      });
    });
  },
});

interface UntracedRoot {
  root: TimedSpan;
  /** The services that could have made the call: those seen calling its route, else those seen calling its service. */
  callers: ReadonlySet<string>;
  caller: ReturnType<typeof callerOf>;
}

/** New traces started by a SERVER span of an internal service, at a program's request. */
function untracedRoots(roots: readonly Span[], graph: CallGraph): UntracedRoot[] {
  const found: UntracedRoot[] = [];
  for (const root of roots) {
    if (root.kind !== 'SERVER' || root.links.length > 0 || !isTimed(root)) continue;
    const service = serviceOf(root);
    const known = graph.callersOf(service);
    if (known.size === 0) continue;
    const caller = callerOf(root.attributes['user_agent.original'] ?? root.attributes['http.user_agent']);
    if (caller.kind === 'browser' || caller.kind === 'probe') continue;
    const ofRoute = graph.callersOfRoute(service, httpServed(root));
    const callers = new Set([...(ofRoute.size > 0 ? ofRoute : known)].filter((name) => name !== service));
    if (callers.size > 0) found.push({ root, callers, caller });
  }
  return found;
}

/** Where a service's work in a trace begins, with the CLIENT spans it made there. */
interface Work {
  span: TimedSpan;
  calls: readonly TimeWindow[];
}

/** The summary's local roots of known times, by service. */
function localRootsByService(localRoots: readonly LocalRoot[]): Map<string, Work[]> {
  const byService = new Map<string, Work[]>();
  for (const { span, calls } of localRoots) {
    if (!isTimed(span)) continue;
    const list = byService.get(serviceOf(span));
    if (list) list.push({ span, calls });
    else byService.set(serviceOf(span), [{ span, calls }]);
  }
  return byService;
}

/** Lists of calls shorter than this are scanned; longer ones indexed once. */
const SCANNED_CALLS = 32;
const callIndexes = new WeakMap<readonly TimeWindow[], StabbingIndex<TimeWindow>>();

/**
 * Whether one of a request's CLIENT spans was running at t. A long job makes
 * thousands of calls and encloses every untraced root among them: scanning
 * its calls for each root was quadratic (160k spans: 8 s), so a long list is
 * indexed the first time it is asked.
 */
function callRunningAt(calls: readonly TimeWindow[], t: bigint): boolean {
  if (calls.length < SCANNED_CALLS) return calls.some((call) => call.start <= t && call.end >= t);
  let index = callIndexes.get(calls);
  if (!index) callIndexes.set(calls, (index = new StabbingIndex(calls)));
  return index.count(t) > 0;
}

/** Whether the server saw the request come from an address of the caller's resource. */
function sameAddress(root: Span, request: Span): boolean {
  const peer = root.attributes['client.address'] ?? root.attributes['network.peer.address'] ?? root.attributes['net.sock.peer.addr'] ?? root.attributes['net.peer.ip'];
  if (typeof peer !== 'string' || peer === '' || peer === '127.0.0.1' || peer === '::1') return false;
  const r = request.resource.attributes;
  const addresses = [r['host.ip'], r['k8s.pod.ip'], r['host.name'], r['container.name']].flat();
  return addresses.some((address) => address === peer);
}

function nanos(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}
