import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTraces } from '../../src/formats/read.js';
import { lint, lintShard, lintShards } from '../../src/lint/engine.js';
import { shardFromJson, shardToJson } from '../../src/lint/shard-file.js';
import { mergeSummaries } from '../../src/analysis/summary.js';
import type { Span } from '../../src/model/span.js';
import { TraceSet } from '../../src/model/trace.js';
import { resource, sid, span, tid } from '../support/spans.js';
// @ts-expect-error -- a plain .mjs script without types
import { encode, generateShape, generateTraces } from '../../bench/generate.mjs';
import { decodeText } from '../../src/formats/read.js';

/**
 * A run split into shards by trace id, each shard's first stage written to a
 * shard file and read back, and the second stage run on the merged summaries,
 * gives the diagnostics of one run over everything: on every real export and
 * on a generated busy system with every failure mode.
 */
const SHARED = fileURLToPath(new URL('../../../shared/fixtures', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));
const files = ['external', 'real-world']
  .flatMap((corpus) => readdirSync(path.join(SHARED, corpus), { recursive: true, withFileTypes: true }).map((entry) => path.join(entry.parentPath, entry.name)))
  .concat(readdirSync(FIXTURES).map((name) => path.join(FIXTURES, name)))
  .filter((file) => /\.(json|jsonl|pb)$/.test(file) && !file.includes('scan_error') && !file.includes('probes'))
  .sort();

/** Trace ids split in `n` by their last hex digit, as a deployment would route them. */
function split(spans: readonly Span[], n: number): Span[][] {
  const shards: Span[][] = Array.from({ length: n }, () => []);
  for (const span of spans) shards[parseInt(span.traceId.slice(-1), 16) % n || 0]!.push(span);
  return shards;
}

function viaFiles(spans: readonly Span[], n: number) {
  return lintShards(
    split(spans, n).map((part) => {
      const text = shardToJson(lintShard(new TraceSet(part)), { inputs: [], traces: 0, spans: part.length, notices: [] }, 'test');
      return shardFromJson(JSON.parse(text), 'shard.json').shard;
    }),
  );
}

describe('shards merged equal one run', () => {
  it('keeps hops that differ only by an absent or empty method or path apart, so the merge does not hang on shard order', () => {
    const none = { services: [], roots: [], childlessCalls: [], requests: [], localRoots: [], orphans: [] };
    const hop = (method: string | undefined, path: string | undefined) => ({ caller: 'a', callee: 'b', call: { method, path, localPort: undefined } });
    const first = { ...none, services: ['a', 'b'], hops: [hop(undefined, '/x'), hop('GET', undefined)] };
    const second = { ...none, services: ['a', 'b'], hops: [hop('', '/x'), hop('GET', '')] };
    const merged = mergeSummaries([first, second]);
    expect(merged.hops).toHaveLength(4);
    expect(mergeSummaries([second, first])).toEqual(merged);
  });

  it.each(files.map((file) => [path.relative(path.dirname(SHARED), file), file] as const))('%s in two and three shards', async (_name, file) => {
    const { spans } = await readTraces([file]);
    const whole = lint(new TraceSet(spans));
    expect(lintShards(split(spans, 2).map((part) => lintShard(new TraceSet(part))))).toEqual(whole);
    expect(viaFiles(spans, 3)).toEqual(whole);
  });

  it('the cross-trace rules that read attributes (user agents, addresses, routes, ports) see them through the file', () => {
    const t = (label: string) => tid(label);
    const spans = [
      // A traced hop: inventory is internal; an untraced call from checkout's only request, by address.
      span({ traceId: t('t'), spanId: sid('t1'), kind: 'SERVER', service: 'frontend', at: [0, 10] }),
      span({ traceId: t('t'), spanId: sid('t2'), parentSpanId: sid('t1'), kind: 'CLIENT', service: 'frontend', at: [1, 9], attributes: { 'url.full': 'http://inventory/stock/1', 'http.request.method': 'GET' } }),
      span({ traceId: t('t'), spanId: sid('t3'), parentSpanId: sid('t2'), kind: 'SERVER', service: 'inventory', at: [2, 8], attributes: { 'http.route': '/stock/:sku', 'http.request.method': 'GET' } }),
      span({ traceId: t('a'), spanId: sid('a1'), kind: 'SERVER', service: 'frontend', resource: resource('frontend', { 'k8s.pod.ip': '10.1.2.3' }), at: [100, 200] }),
      span({ traceId: t('b'), spanId: sid('b1'), kind: 'SERVER', service: 'inventory', at: [120, 150], attributes: { 'http.route': '/stock/:sku', 'http.request.method': 'GET', 'user_agent.original': 'node', 'client.address': '10.1.2.3' } }),
      // A lost hop singled out by ports among busy roots.
      span({ traceId: t('c'), spanId: sid('c1'), kind: 'SERVER', service: 'web', at: [300, 400] }),
      span({ traceId: t('c'), spanId: sid('c2'), parentSpanId: sid('c1'), kind: 'CLIENT', service: 'web', at: [310, 390], attributes: { 'server.address': 'inventory', 'network.local.port': 51234 } }),
      ...[0, 1, 2].map((n) => span({ traceId: t(`p${n}`), spanId: sid(`p${n}`), kind: 'SERVER', service: 'inventory', at: [320 + n, 330 + n], attributes: { 'client.port': n === 1 ? 51234 : 40000 + n } })),
    ];
    const whole = lint(new TraceSet(spans));
    expect(whole.diagnostics.map((d) => [d.ruleId, d.severity])).toEqual(expect.arrayContaining([['uninstrumented-client', 'error'], ['lost-propagation', 'error']]));
    expect(viaFiles(spans, 2)).toEqual(whole);
    expect(viaFiles(spans, 16)).toEqual(whole);
  });

  it('a generated busy system with every failure mode (20,000 spans)', () => {
    const text = [...(encode('otlp-jsonl', generateTraces(20_000, 7)) as Iterable<string>)].join('');
    const { spans } = decodeText(text, 'generated.jsonl');
    const whole = lint(new TraceSet(spans));
    expect(whole.diagnostics.length).toBeGreaterThan(10);
    expect(new Set(whole.diagnostics.map((d) => d.ruleId)).size).toBeGreaterThanOrEqual(5);
    expect(viaFiles(spans, 2)).toEqual(whole);
    expect(viaFiles(spans, 5)).toEqual(whole);
  });

  it("a big trace's shard file grows with its spans, not with local roots times calls (bench's one-trace shape)", () => {
    // Every local root of a service in a trace shares that service's list of CLIENT spans there:
    // written with each local root, 10k spans made a 22 MB file and 30k spans 201 MB.
    const bytes = (n: number) => {
      const { spans } = decodeText([...(encode('otlp-jsonl', generateShape('one-trace', n, 1)) as Iterable<string>)].join(''), 'one-trace.jsonl');
      const text = shardToJson(lintShard(new TraceSet(spans)), { inputs: [], traces: 0, spans: spans.length, notices: [] }, 'test');
      return { spans, length: text.length };
    };
    const small = bytes(5_000);
    const big = bytes(20_000);
    expect(big.length / small.length).toBeLessThan(5);
    expect(big.length).toBeLessThan(big.spans.length * 200);
    const whole = lint(new TraceSet(big.spans));
    expect(whole.diagnostics.some((d) => d.ruleId === 'orphan-span')).toBe(true);
    expect(viaFiles(big.spans, 1)).toEqual(whole);
    expect(viaFiles(big.spans, 3)).toEqual(whole);
  });
});
