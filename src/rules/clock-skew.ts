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
    why: 'A SERVER span that starts before the CLIENT span that called it is impossible on one clock: the two hosts\' clocks disagree. Waterfalls then show children before parents, latencies come out negative or inflated, and the critical path is wrong. The offset is estimated as Jaeger\'s clock-skew adjuster does (centre the child in its parent, or align the starts when the child is longer) and reported per service.',
    fix: 'Synchronise the hosts\' clocks (chrony/NTP, and check containers and VMs that resume from suspend). Until then, tracing UIs such as Jaeger correct the display, but durations measured across hosts stay unreliable. FOLLOWS_FROM, producer/consumer and fire-and-forget children are not reported.',
    references: ['https://github.com/jaegertracing/jaeger/blob/main/model/adjuster/clockskew.go'],
  },
  options: {
    toleranceMs: { type: 'number', default: 1, description: 'how far a child may stick out of its parent before it counts, in ms' },
  },
  scope: 'trace',
  check({ trace, options, report }) {
    for (const skew of estimateClockSkew(trace!, BigInt(Math.round(options.toleranceMs * 1e6)))) {
      const early = skew.child.startTimeUnixNano < skew.parent.startTimeUnixNano;
      const gap = early ? skew.parent.startTimeUnixNano - skew.child.startTimeUnixNano : skew.child.endTimeUnixNano - skew.parent.endTimeUnixNano;
      report({
        span: skew.child,
        key: `${skew.service}<-${skew.parentService}`,
        message: `clock of '${skew.service}' looks off by ${skew.offsetNano > 0n ? '-' : '+'}${formatDuration(skew.offsetNano < 0n ? -skew.offsetNano : skew.offsetNano)} against '${skew.parentService}': ${spanLabel(skew.child)} ${early ? 'starts' : 'ends'} ${formatDuration(gap)} ${early ? 'before' : 'after'} its parent ${spanLabel(skew.parent)}`,
        data: { service: skew.service, parentService: skew.parentService, offsetNs: (-skew.offsetNano).toString(), offsetMs: -ms(skew.offsetNano), parentSpanId: skew.parent.spanId, calls: skew.calls, skewedCalls: skew.skewedCalls },
      });
    }
  },
});
