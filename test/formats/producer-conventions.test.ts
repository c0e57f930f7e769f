import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JsonLogsSerializer, JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { criticalPath } from '../../src/analysis/critical-path.js';
import { estimateClockSkew } from '../../src/analysis/skew.js';
import { spanStats } from '../../src/analysis/stats.js';
import { decodeText, readTraces } from '../../src/formats/read.js';
import { lint } from '../../src/lint/engine.js';
import { formatDuration } from '../../src/model/time.js';
import { TraceSet } from '../../src/model/trace.js';
import { makeTheme } from '../../src/render/theme.js';
import { layoutWaterfall, paintWaterfall } from '../../src/render/waterfall.js';
import { runTracelint, runTraceview } from '../support/cli.js';
import { inject, ms, sdkSystem, SpanKind, toOtlpJson, toOtlpProto } from '../support/sdk.js';

/**
 * What real producers write, read as they meant it (issue #15): unknown times,
 * Collector files with every signal, Zipkin spans sent in parts, ids and
 * durations as the producers' own tools show them. Each case by hand and, where
 * an SDK makes it, from the OpenTelemetry JS SDK.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'tracelint-producers-'));
function file(name: string, text: string | Uint8Array): string {
  const target = path.join(dir, name);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, text);
  return target;
}

const T = 1_543_549_825_000_000; // µs, a Zipkin timestamp
const zipkin = (over: Record<string, unknown>) => ({ traceId: 'ef86c83c0a05a6d6', id: '1111111111111111', name: 'op', localEndpoint: { serviceName: 'api', ipv4: '10.0.0.1' }, ...over });

describe('a time the producer left out is unknown, not the epoch', () => {
  const spans = decodeText(
    JSON.stringify([
      zipkin({ id: '0000000000000001', kind: 'SERVER', timestamp: T, duration: 100_000 }),
      zipkin({ id: '0000000000000002', parentId: '0000000000000001', kind: 'CLIENT', timestamp: T + 10_000, duration: 50_000, localEndpoint: { serviceName: 'api', ipv4: '10.0.0.1' } }),
      // No timestamp or duration: "possibly absent if incomplete".
      zipkin({ id: '0000000000000003', parentId: '0000000000000001', localEndpoint: { serviceName: 'worker' } }),
      // A start without a duration: never finished.
      zipkin({ id: '0000000000000004', parentId: '0000000000000001', kind: 'SERVER', timestamp: T + 20_000, localEndpoint: { serviceName: 'worker' } }),
    ]),
    'z.json',
  ).spans;
  const traces = new TraceSet(spans);
  const trace = [...traces.traces.values()][0]!;

  it('decoders read absent times as undefined', () => {
    expect(spans.map((span) => [span.startTimeUnixNano !== undefined, span.endTimeUnixNano !== undefined])).toEqual([
      [true, true],
      [true, true],
      [false, false],
      [true, false],
    ]);
  });

  it('time ranges (trace, stats) span the known times only', () => {
    expect(trace.startTimeUnixNano).toBe(BigInt(T) * 1000n);
    expect(trace.endTimeUnixNano).toBe(BigInt(T + 100_000) * 1000n);
    const stats = spanStats(spans);
    expect(stats.end! - stats.start!).toBe(100_000_000n);
    expect(stats.untimed).toBe(2);
  });

  it('the waterfall axis is the known 100ms, and the spans without time are drawn in place, marked', () => {
    const options = { width: 100 };
    const lines = paintWaterfall(trace, layoutWaterfall(trace, options), makeTheme(false, true), options).join('\n');
    expect(lines).toContain('100ms, 4 spans');
    expect(lines).toContain('2 without time');
    expect(lines).toContain('(no start or end time)');
    expect(lines).toContain('(no end time)');
    expect(lines).not.toMatch(/\d+d\b|\dh\b/);
  });

  it('skew and the critical path leave unknown times out', () => {
    expect(estimateClockSkew(trace, { startNano: 0n, endNano: 0n })).toEqual([]);
    const path = criticalPath(trace);
    expect(path.every((section) => section.span.startTimeUnixNano !== undefined)).toBe(true);
    expect(path.length).toBeGreaterThan(0);
  });

  it('incomplete-span reports each service and what is missing once; implausible-timestamp and clock-skew say nothing', () => {
    const found = lint(traces).diagnostics.filter((d) => ['incomplete-span', 'implausible-timestamp', 'clock-skew', 'negative-duration'].includes(d.ruleId));
    expect(found.map((d) => [d.ruleId, d.data.missing, d.count])).toEqual([
      ['incomplete-span', 'start+end', 1],
      ['incomplete-span', 'end', 1],
    ]);
  });

  it('OTLP from the SDK with zero times, as protobuf leaves them out (as protojson does): unknown', async () => {
    const { svc, spans: sdkSpans } = sdkSystem(['api']);
    const root = svc.api!.start('GET /', { kind: SpanKind.SERVER, at: 0 });
    svc.api!.start('lost', { parent: root, startTime: [0, 0] }).end([0, 0]);
    root.end(ms(5));
    const finished = await sdkSpans();
    const fromProto = (await readTraces([file('zero.pb', toOtlpProto(finished))])).spans;
    const lost = fromProto.find((span) => span.name === 'lost')!;
    expect([lost.startTimeUnixNano, lost.endTimeUnixNano]).toEqual([undefined, undefined]);
    // The JSON exporter writes "0": proto3's zero, also unset.
    const fromJson = decodeText(toOtlpJson(finished), 'zero.json').spans.find((span) => span.name === 'lost')!;
    expect(fromJson.startTimeUnixNano).toBeUndefined();
    const stats = spanStats(fromProto);
    expect(stats.end! - stats.start!).toBe(5_000_000n);
  });
});

describe('a Collector file exporter serving every pipeline: other signals are skipped and counted', () => {
  async function collectorFile(): Promise<string> {
    const { svc, spans } = sdkSystem(['api']);
    svc.api!.start('GET /', { kind: SpanKind.SERVER, at: 0 }).end(ms(2));
    const traces = toOtlpJson(await spans());
    const logExporter = new InMemoryLogRecordExporter();
    const logs = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'api' }), processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
    logs.getLogger('app').emit({ body: 'hello', severityText: 'INFO', severityNumber: 9 });
    await logs.forceFlush();
    const logLine = new TextDecoder().decode(JsonLogsSerializer.serializeRequest(logExporter.getFinishedLogRecords()));
    const reader = new (class extends MetricReader {
      protected override async onForceFlush(): Promise<void> {}
      protected override async onShutdown(): Promise<void> {}
    })();
    new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'api' }), readers: [reader] }).getMeter('app').createCounter('requests').add(1);
    const metricLine = new TextDecoder().decode(JsonMetricsSerializer.serializeRequest((await reader.collect()).resourceMetrics));
    expect(logLine).toContain('"resourceLogs"');
    expect(metricLine).toContain('"resourceMetrics"');
    return file('collector/all-signals.json', [metricLine, traces, logLine, metricLine, ''].join('\n'));
  }

  it('check: exit by the findings alone, one note with the counts, the note in the JSON report', async () => {
    const input = await collectorFile();
    const run = await runTracelint(['check', input, '--reporter', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`tracelint: ${input}: skipped 3 lines of other signals: 1 logs, 2 metrics\n`);
    const report = JSON.parse(run.stdout) as { summary: { spans: number; exitCode: number }; notices: Array<{ level: string; message: string }> };
    expect(report.summary).toMatchObject({ spans: 1, exitCode: 0 });
    expect(report.notices).toEqual([{ level: 'note', message: 'skipped 3 lines of other signals: 1 logs, 2 metrics', file: input, line: null, column: null }]);
  });

  it('stats and traceview read it too (exit 0)', async () => {
    const input = await collectorFile();
    expect((await runTracelint(['stats', input])).code).toBe(0);
    expect((await runTraceview([input])).code).toBe(0);
  });

  it('a line that is no OTLP at all is still an error, and machine reports say why the run exits 2', async () => {
    const input = file('collector/bad-line.json', `${JSON.stringify({ resourceSpans: [] })}\n{"hello": 1}\n`);
    const run = await runTracelint(['check', input, '--reporter', 'sarif']);
    expect(run.code).toBe(2);
    const log = JSON.parse(run.stdout) as { runs: Array<{ invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ message: { text: string }; locations: Array<{ physicalLocation: { region: { startLine: number } } }> }> }> }> };
    const [invocation] = log.runs[0]!.invocations;
    expect(invocation!.executionSuccessful).toBe(false);
    expect(invocation!.toolExecutionNotifications[0]!.message.text).toContain('expected an OTLP/JSON request');
    expect(invocation!.toolExecutionNotifications[0]!.locations[0]!.physicalLocation.region.startLine).toBe(2);
  });
});

describe('Zipkin spans sent in parts are merged as Zipkin merges them', () => {
  const read = (entries: object[]) => {
    const result = decodeText(JSON.stringify(entries), 'parts.json');
    return { spans: result.spans, merged: result.mergedParts, errors: lint(new TraceSet(result.spans)).diagnostics.filter((d) => d.severity === 'error').map((d) => d.ruleId) };
  };

  it('a start in one part and the duration and tags in another: one span', () => {
    const { spans, merged, errors } = read([zipkin({ kind: 'SERVER', timestamp: T }), zipkin({ duration: 5_000, tags: { 'http.path': '/x' } })]);
    expect(merged).toBe(1);
    expect(spans).toHaveLength(1);
    expect(spans[0]!).toMatchObject({ kind: 'SERVER', startTimeUnixNano: BigInt(T) * 1000n, endTimeUnixNano: BigInt(T + 5_000) * 1000n });
    expect(spans[0]!.attributes['http.path']).toBe('/x');
    expect(errors).toEqual([]);
  });

  it('a part without kind or times beside the shared server half of its endpoint: merged into it (Zipkin would keep it apart)', () => {
    const { spans, merged } = read([
      zipkin({ id: '00000000000000aa', parentId: '00000000000000bb', kind: 'CLIENT', timestamp: T, duration: 900, localEndpoint: { serviceName: 'web', ipv4: '10.0.0.9' } }),
      zipkin({ id: '00000000000000aa', parentId: '00000000000000bb', name: 'post' }),
      zipkin({ id: '00000000000000aa', parentId: '00000000000000bb', kind: 'SERVER', shared: true, timestamp: T + 100, duration: 700, name: 'post' }),
    ]);
    expect(merged).toBe(1);
    expect(spans.map((span) => [span.kind, span.shared ?? false])).toEqual([
      ['CLIENT', false],
      ['SERVER', true],
    ]);
  });

  it('a client half and its server half stay two spans; a SERVER half without the flag gets it (Zipkin backfills it)', () => {
    const { spans, merged, errors } = read([
      zipkin({ kind: 'CLIENT', timestamp: T, duration: 900, localEndpoint: { serviceName: 'web' } }),
      zipkin({ kind: 'SERVER', timestamp: T + 100, duration: 700 }),
    ]);
    expect(merged).toBe(0);
    expect(spans.map((span) => span.shared ?? false)).toEqual([false, true]);
    expect(errors).toEqual([]);
  });

  it('parts whose times contradict are several spans with one id: not merged, and reported once', () => {
    const { spans, merged, errors } = read([zipkin({ kind: 'SERVER', timestamp: T, duration: 10 }), zipkin({ kind: 'SERVER', timestamp: T + 500, duration: 10 })]);
    expect(merged).toBe(0);
    expect(spans).toHaveLength(2);
    expect(errors).toEqual(['duplicate-span-id']);
  });

  it('a merge is a note in the run, and the spans and merged parts add up to the entries', async () => {
    const input = file('zipkin/parts.json', JSON.stringify([zipkin({ kind: 'SERVER', timestamp: T }), zipkin({ duration: 5_000 })]));
    const run = await runTracelint(['check', input]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('merged 1 Zipkin span part into the span it belongs to');
  });

  it('the SDK Zipkin exporter writes whole spans: nothing to merge', async () => {
    const { svc, spans } = sdkSystem(['web', 'api']);
    const client = svc.web!.start('GET /x', { kind: SpanKind.CLIENT, at: 0 });
    svc.api!.start('GET /x', { kind: SpanKind.SERVER, remote: inject(client), at: 1 }).end(ms(4));
    client.end(ms(5));
    const { toZipkinJson } = await import('../support/sdk.js');
    expect(decodeText(toZipkinJson(await spans()), 'sdk.json').mergedParts).toBe(0);
  });
});

describe('messages, ids and durations as a person reads them', () => {
  it('an input that is not a trace is refused in one readable message (exit 2), named as what it is', async () => {
    const input = file('probe/search.json', JSON.stringify({ traces: [{ traceID: 'abc', rootServiceName: 'x', spanSets: [] }], metrics: {} }));
    const run = await runTracelint(['stats', input]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`tracelint: ${input}: not a trace export: this is a Tempo search response (a summary per trace: traceID, rootServiceName, spanSets), not the traces themselves: fetch each trace by id (GET /api/traces/<traceID>) and check that\n`);
  });

  it('our own multi-line layout is kept; only what the input put in is escaped', async () => {
    const input = file('probe/other.json', JSON.stringify({ 'weird\u001b[2J': 1 }));
    const run = await runTracelint(['check', input]);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('\\x0a');
    expect(run.stderr.split('\n').length).toBeGreaterThan(4);
    expect(run.stderr).toContain('\n  otlp-json: ');
  });

  it('in a directory, an input that is not a trace is named and the others are checked (exit 2, and the report covers them)', async () => {
    file('mixed/a-good.json', JSON.stringify([zipkin({ kind: 'SERVER', timestamp: T, duration: 10 })]));
    file('mixed/b-not-a-trace.json', JSON.stringify({ hello: 'world' }));
    const run = await runTracelint(['check', path.join(dir, 'mixed'), '--reporter', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('b-not-a-trace.json: unknown trace format');
    const report = JSON.parse(run.stdout) as { summary: { spans: number; exitCode: number; inputs: unknown[] }; notices: Array<{ level: string; file: string }> };
    expect(report.summary).toMatchObject({ spans: 1, exitCode: 2 });
    expect(report.summary.inputs).toHaveLength(1);
    expect(report.notices.map((n) => [n.level, path.basename(n.file)])).toEqual([['error', 'b-not-a-trace.json']]);
  });

  it('a file named on the command line that is not a trace stops the run, as before', async () => {
    const run = await runTracelint(['check', file('named/bad.json', '{"hello": 1}')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
  });

  it('64-bit Zipkin trace ids are shown as Zipkin shows them, and traceview finds them by that id', async () => {
    const input = file('ids/zipkin64.json', JSON.stringify([zipkin({ kind: 'SERVER', timestamp: T, duration: 10, parentId: '00000000000000ff' })]));
    const check = await runTracelint(['check', input]);
    expect(check.stdout).toContain('trace ef86c83c0a05a6d6\n');
    expect(check.stdout).not.toContain('0000000000000000ef86c83c0a05a6d6');
    const view = await runTraceview([input, '--trace', 'ef86c83c0a05a6d6']);
    expect(view.code).toBe(0);
    expect(view.stdout).toContain('trace ef86c83c0a05a6d6');
  });

  it.each([
    [80n, '80ns'],
    [1_250_000_000n, '1.25s'],
    [90n * 60_000_000_000n, '1.50h'],
    [25_725_830n * 60_000_000_000n, '17865d'],
    [-3n * 3_600_000_000_000n, '-3.00h'],
  ])('durations: %s ns is %s', (ns, text) => {
    expect(formatDuration(ns)).toBe(text);
  });
});
