import { estimateClockSkew } from '../analysis/skew.js';
import { defineRule } from '../lint/types.js';
import { formatDuration } from '../model/time.js';
import { ms, spanLabel } from './support/describe.js';

export const clockSkew = defineRule({
  id: 'clock-skew',
  category: 'timing',
  defaultSeverity: 'warn',
  summary: "A service's spans do not fit inside their callers': its clock is off",
  docs: {
    why: "A SERVER span that starts before the CLIENT span that called it is impossible on one clock: the two hosts' clocks disagree. Waterfalls then show children before parents, latencies come out negative or inflated, and the critical path is wrong. Each finding says what the data show (how far the child starts before, or ends after, its parent) and, beside it, the offset Jaeger's clock-skew adjuster would estimate (centre the child in its parent, or align the starts when the child is longer), per pair of services.",
    fix: "Synchronise the hosts' clocks (chrony/NTP, and check containers and VMs that resume from suspend). Until then, tracing UIs such as Jaeger correct the display, but durations measured across hosts stay unreliable. Not reported: FOLLOWS_FROM, producer/consumer and fire-and-forget children, services whose resources say they share a host (host.id, host.name, k8s.node.name, k8s.pod.uid, container.id), and children within the tolerances: a server span may end a little after its client's (it ends when the response is flushed), so the end tolerance is the larger.",
    references: ['https://github.com/jaegertracing/jaeger/blob/main/model/adjuster/clockskew.go'],
  },
  options: {
    toleranceMs: { type: 'number', default: 2, description: 'how far a child may start before its parent before it counts, in ms' },
    endToleranceMs: { type: 'number', default: 10, description: 'how far a child may end after its parent before it counts, in ms (servers end their spans after the response is flushed)' },
  },
  scope: 'trace',
  check({ trace, options, report }) {
    const tolerance = { startNano: BigInt(Math.round(options.toleranceMs * 1e6)), endNano: BigInt(Math.round(options.endToleranceMs * 1e6)) };
    for (const skew of estimateClockSkew(trace!, tolerance)) {
      const early = skew.leadNano > tolerance.startNano;
      const shown = early ? `starts ${formatDuration(skew.leadNano)} before` : `ends ${formatDuration(skew.overhangNano)} after`;
      const offset = `${skew.offsetNano > 0n ? '-' : '+'}${formatDuration(skew.offsetNano < 0n ? -skew.offsetNano : skew.offsetNano)}`;
      report({
        span: skew.child,
        key: `${skew.service}<-${skew.parentService}`,
        message: `${spanLabel(skew.child)} ${shown} its parent ${spanLabel(skew.parent)}: the clock of '${skew.service}' looks off against '${skew.parentService}' (Jaeger's estimate: ${offset})`,
        data: {
          service: skew.service,
          parentService: skew.parentService,
          leadNs: skew.leadNano.toString(),
          overhangNs: skew.overhangNano.toString(),
          offsetNs: (-skew.offsetNano).toString(),
          offsetMs: -ms(skew.offsetNano),
          parentSpanId: skew.parent.spanId,
          calls: skew.calls,
          skewedCalls: skew.skewedCalls,
        },
      });
    }
  },
});
