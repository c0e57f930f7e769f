import { defineRule } from '../lint/types.js';
import type { Span } from '../model/span.js';
import { durationNano, serviceOf } from '../model/span.js';
import { spanLabel } from './support/describe.js';

export const duplicateSpanId = defineRule({
  id: 'duplicate-span-id',
  category: 'ids',
  defaultSeverity: 'error',
  summary: 'Several spans in one trace share a span id',
  docs: {
    why: 'Span ids identify spans within a trace; a duplicate makes parent links ambiguous, so children hang under the wrong span and backends merge or drop data. Identical copies mean the same span was exported twice (a retry, two exporters, a pipeline that duplicates); different spans with one id mean a broken id generator or a context reused to start several spans.',
    fix: 'For identical copies, look for double export (two span processors, a Collector pipeline fan-out into one backend, retries without deduplication). For different spans, use the SDK\'s id generator and never create spans with a fixed or copied span id. (Zipkin\'s shared client/server pairs are not reported.)',
  },
  options: {},
  scope: 'trace',
  check({ trace, report }) {
    for (const [spanId, spans] of trace!.reusedIds) {
      if (isZipkinSharedPair(spans)) continue;
      const fanOut = sharedFanOut(spans);
      if (fanOut) {
        const { client, servers, hosts } = fanOut;
        const services = [...new Set(servers.map(serviceOf))].join(', ');
        // One half per host: each child finds its own half. Several on one host: their children cannot be told apart.
        const distinct = hosts === servers.length;
        report({
          span: servers[0]!,
          ...(distinct ? { severity: 'warn' as const } : {}),
          message: `span id ${spanId} is shared by ${spanLabel(client)} and ${servers.length} server halves in ${services} on ${hosts} host${hosts === 1 ? '' : 's'}${distinct ? '' : ': halves on one host reuse one id, so their children cannot be told apart'}; receivers of a message should each start a CONSUMER span of their own instead of joining the sender's`,
          data: { spanId, count: spans.length, identical: false, hosts, services: [...new Set(spans.map(serviceOf))].sort() },
        });
        continue;
      }
      const identical = spans.every((span) => sameSpan(span, spans[0]!));
      report({
        span: spans[1]!,
        message: identical
          ? `span id ${spanId} appears ${spans.length} times with identical content (${spanLabel(spans[0]!)}): the span was exported more than once`
          : `span id ${spanId} is used by ${spans.length} different spans: ${spans.slice(0, 3).map(spanLabel).join(', ')}${spans.length > 3 ? ', …' : ''}`,
        data: { spanId, count: spans.length, identical, services: [...new Set(spans.map(serviceOf))].sort() },
      });
    }
  },
});

/** Zipkin's RPC halves: one CLIENT (or unmarked) span and its `shared` SERVER span. */
function isZipkinSharedPair(spans: readonly Span[]): boolean {
  return spans.length === 2 && spans.filter((span) => span.shared).length === 1 && spans.some((span) => span.shared && span.kind === 'SERVER');
}

/**
 * One unshared span and several `shared` SERVER halves of it: a message
 * delivered to several receivers that each joined the sender's span (old
 * Zipkin messaging instrumentation), with how many hosts the halves are on.
 */
function sharedFanOut(spans: readonly Span[]): { client: Span; servers: Span[]; hosts: number } | undefined {
  const clients = spans.filter((span) => !span.shared);
  const servers = spans.filter((span) => span.shared && span.kind === 'SERVER');
  if (clients.length !== 1 || servers.length !== spans.length - 1 || servers.some((span) => span.resource.attributes['host.ip'] === undefined)) return undefined;
  const hosts = new Set(servers.map((span) => JSON.stringify([span.resource.serviceName, span.resource.attributes['host.ip']])));
  return { client: clients[0]!, servers, hosts: hosts.size };
}

function sameSpan(a: Span, b: Span): boolean {
  return a.name === b.name && a.parentSpanId === b.parentSpanId && a.startTimeUnixNano === b.startTimeUnixNano && durationNano(a) === durationNano(b) && serviceOf(a) === serviceOf(b);
}
