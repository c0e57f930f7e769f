import { CROSS_TRACE_SPAN_KEYS, type CrossTraceSummary, type Hop, type LocalRoot } from '../analysis/summary.js';
import type { TimeWindow } from '../analysis/windows.js';
import type { Attributes, Resource, Span, SpanKind } from '../model/span.js';
import { countedLinks, emptyAttributes, listOrNone, NO_SCOPE, pickAttributes, spanSource, spanStatus } from '../model/span.js';
import { ConfigError } from './config.js';
import type { ShardResult } from './engine.js';
import type { Diagnostic } from './types.js';

/**
 * A shard's first stage as a file (`check --shard-out`, `receive --shard-out`),
 * for `tracelint merge`: its diagnostics, and its cross-trace summary with
 * each span once (referenced by index), carrying only what the cross-trace
 * rules read. Times and other 64-bit values are decimal strings. A local
 * root's calls are the CLIENT spans of its service in its trace, one list
 * shared by every local root of that service there: each list is written once
 * and named by index (version 1 wrote it with every local root, quadratic in a
 * big trace: 200 MB for a trace of 30k spans).
 */
export const SHARD_FILE_VERSION = 2;

/** The resource attributes they read (uninstrumented-client: addresses, SDK language). */
const RESOURCE_KEYS = ['service.name', 'host.ip', 'k8s.pod.ip', 'host.name', 'container.name', 'telemetry.sdk.language'];

/** What a shard file holds besides the shard's result: what the report of the merge needs of the run. */
export interface ShardRun {
  inputs: Array<{ name: string; format: string; spans: number }>;
  traces: number;
  spans: number;
  notices: Array<{ level: 'error' | 'note'; message: string; file?: string; line?: number; column?: number }>;
}

export function shardToJson(shard: ShardResult, run: ShardRun, toolVersion: string): string {
  const spans: Span[] = [];
  const index = new Map<Span, number>();
  const ref = (span: Span): number => {
    let i = index.get(span);
    if (i === undefined) {
      i = spans.push(span) - 1;
      index.set(span, i);
    }
    return i;
  };
  const callLists: Array<readonly TimeWindow[]> = [];
  const callListIndex = new Map<readonly TimeWindow[], number>();
  const callsRef = (calls: readonly TimeWindow[]): number => {
    let i = callListIndex.get(calls);
    if (i === undefined) {
      i = callLists.push(calls) - 1;
      callListIndex.set(calls, i);
    }
    return i;
  };
  const s = shard.crossTrace;
  const crossTrace = {
    services: s.services,
    roots: s.roots.map(ref),
    childlessCalls: s.childlessCalls.map(ref),
    requests: s.requests.map(ref),
    localRoots: s.localRoots.map((root) => [ref(root.span), callsRef(root.calls)]),
    callLists: callLists.map((calls) => calls.map((call) => [call.start.toString(), call.end.toString()])),
    orphans: s.orphans.map(ref),
    hops: s.hops,
  };
  const resources: Resource[] = [];
  const resourceIndex = new Map<Resource, number>();
  const spanRecords = spans.map((span) => {
    let r = resourceIndex.get(span.resource);
    if (r === undefined) {
      r = resources.push(span.resource) - 1;
      resourceIndex.set(span.resource, r);
    }
    return [
      span.traceId,
      span.spanId,
      span.parentSpanId ?? null,
      span.name,
      span.kind,
      span.startTimeUnixNano?.toString() ?? null,
      span.endTimeUnixNano?.toString() ?? null,
      pickAttributes(span.attributes, CROSS_TRACE_SPAN_KEYS),
      span.links.length,
      r,
      [span.source.file, span.source.format, span.source.line ?? null, span.source.column ?? null],
    ];
  });
  const value = {
    tracelintShard: SHARD_FILE_VERSION,
    tool: { name: 'tracelint', version: toolVersion },
    run,
    ignoredCount: shard.ignoredCount,
    failures: shard.failures,
    diagnostics: shard.diagnostics,
    resources: resources.map((resource) => pickAttributes(resource.attributes, RESOURCE_KEYS)),
    spans: spanRecords,
    crossTrace,
  };
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}\n`;
}

/** A shard file read back; a file that is not one is a ConfigError naming what was expected. */
export function shardFromJson(value: unknown, file: string): { shard: ShardResult; run: ShardRun } {
  const fail = (what: string): never => {
    throw new ConfigError(`${file}: not a tracelint shard file (${what}); write one with tracelint check --shard-out`);
  };
  if (typeof value !== 'object' || value === null || (value as Record<string, unknown>).tracelintShard !== SHARD_FILE_VERSION) fail(`expected {"tracelintShard": ${SHARD_FILE_VERSION}, …}`);
  const v = value as Record<string, unknown>;
  const array = (key: string): unknown[] => (Array.isArray(v[key]) ? (v[key] as unknown[]) : fail(`expected an array at ${key}`));
  const resources = array('resources').map((attributes): Resource => {
    const map = attributes as Record<string, unknown>;
    const serviceName = map['service.name'];
    return { attributes: attributesOf(map), serviceName: typeof serviceName === 'string' ? serviceName : undefined, droppedAttributesCount: 0 };
  });
  const spans = array('spans').map((record, i) => spanOf(record, resources, () => fail(`span ${i} is malformed`)));
  const c = (v.crossTrace ?? fail('expected crossTrace')) as Record<string, unknown>;
  const refs = (key: string): Span[] => ((c[key] as unknown[] | undefined) ?? fail(`expected crossTrace.${key}`)).map((i) => spans[i as number] ?? fail(`crossTrace.${key} names span ${String(i)}, which is not in the file`));
  const callLists = ((c.callLists as Array<Array<[string, string]>> | undefined) ?? fail('expected crossTrace.callLists')).map((calls): TimeWindow[] => calls.map(([start, end]) => ({ start: BigInt(start), end: BigInt(end) })));
  const localRoots = ((c.localRoots as unknown[] | undefined) ?? fail('expected crossTrace.localRoots')).map((entry): LocalRoot => {
    const [i, calls] = entry as [number, number];
    return { span: spans[i] ?? fail(`crossTrace.localRoots names span ${i}`), calls: callLists[calls] ?? fail(`crossTrace.localRoots names call list ${calls}`) };
  });
  const crossTrace: CrossTraceSummary = {
    services: (c.services as string[] | undefined) ?? fail('expected crossTrace.services'),
    roots: refs('roots'),
    childlessCalls: refs('childlessCalls'),
    requests: refs('requests'),
    localRoots,
    orphans: refs('orphans'),
    hops: (c.hops as Hop[] | undefined) ?? fail('expected crossTrace.hops'),
  };
  return {
    shard: { diagnostics: array('diagnostics') as Diagnostic[], ignoredCount: Number(v.ignoredCount ?? 0), failures: array('failures') as ShardResult['failures'], crossTrace },
    run: (v.run as ShardRun | undefined) ?? fail('expected run'),
  };
}

function spanOf(record: unknown, resources: readonly Resource[], fail: () => never): Span {
  if (!Array.isArray(record) || record.length !== 11) return fail();
  const [traceId, spanId, parentSpanId, name, kind, start, end, attributes, links, resource, [file, format, line, column]] = record as [
    string, string, string | null, string, SpanKind, string | null, string | null, Record<string, unknown>, number, number, [string, Span['source']['format'], number | null, number | null],
  ];
  const source = spanSource(file, format);
  if (line !== null) source.line = line;
  if (column !== null) source.column = column;
  return {
    traceId,
    spanId,
    parentSpanId: parentSpanId ?? undefined,
    name,
    kind,
    startTimeUnixNano: start === null ? undefined : BigInt(start),
    endTimeUnixNano: end === null ? undefined : BigInt(end),
    status: spanStatus('UNSET'),
    attributes: attributesOf(attributes),
    events: listOrNone([]),
    links: countedLinks(links),
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    resource: resources[resource] ?? fail(),
    scope: NO_SCOPE,
    source,
  };
}

function attributesOf(map: Record<string, unknown>): Attributes {
  return Object.assign(emptyAttributes(), map as Attributes);
}
