import { isTimed, serviceOf, type Span, type TimedSpan } from '../model/span.js';
import type { Trace } from '../model/trace.js';

/**
 * Clock-skew estimation, after Jaeger's clock-skew adjuster: a child in another
 * service that does not fit inside its parent is assumed to be shifted by its
 * host's clock. If the child is not longer than the parent, the offset is what
 * would centre it in the parent (equal network latency both ways); if it is
 * longer, what would align the starts. Every call between two services is
 * measured against the parent's recorded times, and the largest offset per
 * pair of services is kept. (Jaeger also shifts each parent before measuring
 * its children, to draw one consistent picture; comparing recorded times
 * instead means a finding names exactly the two clocks that disagree.)
 *
 * Not skew, so never measured: FOLLOWS_FROM children, messaging (a PRODUCER
 * parent or CONSUMER child), children of the same service or of a service
 * whose resource says it runs on the same host, and children that start after
 * their parent ended unless the pair is a CLIENT -> SERVER call.
 */
export interface ServiceSkew {
  service: string;
  parentService: string;
  /** Add to the service's times to put them on the parent service's clock (ns): Jaeger's estimate. */
  offsetNano: bigint;
  /** What the data show for that pair: how far the child starts before its parent (positive) ... */
  leadNano: bigint;
  /** ... and how far it ends after its parent (positive), in ns. */
  overhangNano: bigint;
  /** The pair with the largest offset. */
  child: TimedSpan;
  parent: TimedSpan;
  /** Calls between the two services measured, and how many did not fit. */
  calls: number;
  skewedCalls: number;
}

/**
 * How far a child may stick out of its parent before it counts. A server
 * cannot start before its client sent the request, so the start is held
 * tightly; its span may well end after the client's did (a Node.js server ends
 * its span when the response is flushed, after the proxy that called it has
 * its answer), so the end is held loosely. Measured on ../shared/fixtures
 * (scripts in the README): on one Docker host, server spans started at most
 * 0.65 ms before and ended at most 5.75 ms after their callers'.
 */
export interface SkewTolerance {
  startNano: bigint;
  endNano: bigint;
}

export function estimateClockSkew(trace: Trace, tolerance: SkewTolerance): ServiceSkew[] {
  // Pairs by child service, then parent service (no key string made per call), and in first-seen order.
  const pairs = new Map<string, Map<string, ServiceSkew>>();
  const seen: ServiceSkew[] = [];
  const { spans } = trace;
  for (let i = 0; i < spans.length; i++) {
    const child = spans[i]!;
    const parent = trace.parentAt(i);
    if (!parent || !isTimed(parent) || !isTimed(child) || !measurable(parent, child)) continue;
    const service = serviceOf(child);
    const parentService = serviceOf(parent);
    let ofService = pairs.get(service);
    if (ofService === undefined) pairs.set(service, (ofService = new Map()));
    let pair = ofService.get(parentService);
    if (pair === undefined) {
      pair = { service, parentService, offsetNano: 0n, leadNano: 0n, overhangNano: 0n, child, parent, calls: 0, skewedCalls: 0 };
      ofService.set(parentService, pair);
      seen.push(pair);
    }
    const skew = skewOf(parent, child, tolerance);
    pair.calls++;
    if (skew !== 0n) {
      pair.skewedCalls++;
      if (abs(skew) > abs(pair.offsetNano)) Object.assign(pair, { offsetNano: skew, child, parent, leadNano: parent.startTimeUnixNano - child.startTimeUnixNano, overhangNano: child.endTimeUnixNano - parent.endTimeUnixNano });
    }
  }
  return seen.filter((pair) => pair.offsetNano !== 0n);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/**
 * Keys whose equal values on two resources mean one clock: the same host,
 * node, pod or container (resource semantic conventions).
 */
const SAME_CLOCK_KEYS = ['host.id', 'host.name', 'k8s.node.name', 'k8s.node.uid', 'k8s.pod.uid', 'container.id'];

/** Whether two spans' resources say they run on one host, so share its clock. */
export function sameHost(a: Span, b: Span): boolean {
  for (const key of SAME_CLOCK_KEYS) {
    const x = a.resource.attributes[key];
    if (typeof x === 'string' && x !== '' && x === b.resource.attributes[key]) return true;
  }
  return false;
}

function measurable(parent: TimedSpan, child: TimedSpan): boolean {
  if (serviceOf(parent) === serviceOf(child) || sameHost(parent, child)) return false;
  if (child.parentRefType === 'FOLLOWS_FROM' || parent.kind === 'PRODUCER' || child.kind === 'CONSUMER') return false;
  const rpc = parent.kind === 'CLIENT' && child.kind === 'SERVER';
  return rpc || child.startTimeUnixNano < parent.endTimeUnixNano;
}

/** The child's offset against its parent's recorded times; 0n when it fits within the tolerance. */
function skewOf(parent: TimedSpan, child: TimedSpan, tolerance: SkewTolerance): bigint {
  const parentStart = parent.startTimeUnixNano;
  const parentEnd = parent.endTimeUnixNano;
  const parentDuration = parentEnd - parentStart;
  const childDuration = child.endTimeUnixNano - child.startTimeUnixNano;
  if (childDuration > parentDuration) {
    return child.startTimeUnixNano < parentStart - tolerance.startNano ? parentStart - child.startTimeUnixNano : 0n;
  }
  const fits = child.startTimeUnixNano >= parentStart - tolerance.startNano && child.endTimeUnixNano <= parentEnd + tolerance.endNano;
  if (fits) return 0n;
  const latency = (parentDuration - childDuration) / 2n;
  return parentStart + latency - child.startTimeUnixNano;
}

/** Whether this child, on its own, does not fit its parent the way clock skew would show. */
export function looksSkewed(parent: Span, child: Span, tolerance: SkewTolerance): boolean {
  return isTimed(parent) && isTimed(child) && measurable(parent, child) && skewOf(parent, child, tolerance) !== 0n;
}
