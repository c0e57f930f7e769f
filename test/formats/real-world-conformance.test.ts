import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTraces } from '../../src/formats/read.js';
import type { FormatName } from '../../src/model/span.js';
import { runTracelint } from '../support/cli.js';

/**
 * The second held-out corpus, ../shared/fixtures/real-world: 19 exports that
 * nobody on the team wrote (PROVENANCE.md there says where each comes from).
 * Each is read as the format it is, with as many spans as PROVENANCE's
 * independent count (a reader of its own, no tracelint code); Zipkin parts of
 * one span are merged, so the spans and the parts merged into them add up to
 * the entries. Every trace file checks with exit 0 or 1; the probe, which is
 * not a trace, is refused in one readable message.
 */
const REAL_WORLD = fileURLToPath(new URL('../../../shared/fixtures/real-world', import.meta.url));
const PROBE = 'probes/kiali__responseAmbient.search.json';

/** [format detected, spans in PROVENANCE.md's independent count]. */
const CORPUS: Record<string, [FormatName, number]> = {
  'jaeger/jaeger-analytics__ui-trace.json': ['jaeger', 2],
  'jaeger/tracetest__trace-page-jaeger.json': ['jaeger', 14],
  'otlp-json/highlight__fs.json': ['otlp-json', 218],
  'otlp-json/highlight__nextjs.json': ['otlp-json', 8],
  'otlp-json/highlight__traces.json': ['otlp-json', 512],
  'otlp-json/otel-go-auto__kafka-go-traces.json': ['otlp-json', 3],
  'otlp-json/otel-rust__failed_traces.json': ['otlp-json', 2],
  'otlp-json/otel-rust__serialized_traces.json': ['otlp-json', 2],
  'otlp-json/otel-rust__traces.json': ['otlp-json', 2],
  'otlp-json/tracetest__trace-page-otlp-ils-v1.json': ['otlp-json', 56],
  'otlp-json/tracetest__trace-page-otlp-ils.json': ['otlp-json', 21],
  // One OTLP JSON line is one document (JSON lines need a second line).
  'otlp-jsonl/otel-go-auto__nethttp-traces-orig.json': ['otlp-json', 2],
  'otlp-jsonl/otel-tui__test_data.json': ['otlp-jsonl', 547],
  'tempo/kiali__responseTrace.json': ['tempo', 8],
  'zipkin/zipkin__ascend.json': ['zipkin', 8],
  'zipkin/zipkin__messaging.json': ['zipkin', 4],
  'zipkin/zipkin__messaging2.json': ['zipkin', 11],
  'zipkin/zipkin__simple-db-p6.json': ['zipkin', 5],
  'zipkin/zipkin__smartthings-mobile-web-install.json': ['zipkin', 1041],
};

const files = readdirSync(REAL_WORLD, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && !entry.name.endsWith('.md'))
  .map((entry) => path.relative(REAL_WORLD, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
  .sort();

describe('conformance on the real-world corpus', () => {
  it('finds every file of the corpus (CI has ../shared beside the clone), and nothing unlisted', () => {
    expect(files).toEqual([...Object.keys(CORPUS), PROBE].sort());
  });

  it.each(Object.entries(CORPUS))('%s: its format and its independent span count', async (file, [format, count]) => {
    const result = await readTraces([path.join(REAL_WORLD, file)]);
    expect(result.problems).toEqual([]);
    expect(result.inputs[0]!.format).toBe(format);
    expect(result.spans.length + result.inputs[0]!.mergedParts).toBe(count);
  });

  it.each(Object.keys(CORPUS))('tracelint check %s exits 0 or 1, with nothing on stderr but notes', async (file) => {
    const run = await runTracelint(['check', path.join(REAL_WORLD, file), '--reporter', 'json']);
    expect(run.code).toBeLessThanOrEqual(1);
    const report = JSON.parse(run.stdout) as { summary: { exitCode: number }; notices: Array<{ level: string }> };
    expect(report.summary.exitCode).toBe(run.code);
    expect(report.notices.filter((n) => n.level === 'error')).toEqual([]);
  });

  it('the Collector file with logs and metrics: 547 spans, one note for the 56 other lines', async () => {
    const file = path.join(REAL_WORLD, 'otlp-jsonl/otel-tui__test_data.json');
    const run = await runTracelint(['stats', file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`tracelint: ${file}: skipped 56 lines of other signals: 16 logs, 40 metrics\n`);
  });

  it("SmartThings' 84 parts of shared server spans are merged into them: 957 spans, no span without time", async () => {
    const result = await readTraces([path.join(REAL_WORLD, 'zipkin/zipkin__smartthings-mobile-web-install.json')]);
    expect(result.inputs[0]!.mergedParts).toBe(84);
    // Only the one-way messaging halves lack a duration (they were never finished); every span has a start.
    expect(result.spans.every((span) => span.startTimeUnixNano !== undefined)).toBe(true);
  });

  it('the one span of tracetest with no times is unknown, and the time range is the real one (not 1970..2022)', async () => {
    const run = await runTracelint(['stats', '--json', path.join(REAL_WORLD, 'otlp-json/tracetest__trace-page-otlp-ils.json')]);
    const [stats] = JSON.parse(run.stdout) as Array<{ startTimeUnixNano: string; endTimeUnixNano: string; untimed: number }>;
    expect(stats!.untimed).toBe(1);
    expect(BigInt(stats!.startTimeUnixNano)).toBeGreaterThan(1_600_000_000_000_000_000n);
    expect(BigInt(stats!.endTimeUnixNano) - BigInt(stats!.startTimeUnixNano)).toBeLessThan(60_000_000_000n);
  });

  it('Go 1.28 and Python SDK spans (flags 256/768) are not called unsampled', async () => {
    const result = await readTraces([path.join(REAL_WORLD, 'otlp-jsonl/otel-tui__test_data.json')]);
    const withRemoteBitsOnly = result.spans.filter((span) => span.flags !== undefined && (span.flags & 0xff) === 0 && span.flags !== 0);
    expect(withRemoteBitsOnly.length).toBeGreaterThan(0);
    expect(withRemoteBitsOnly.every((span) => span.sampled === undefined)).toBe(true);
  });

  it('the probe is refused in one readable line that says what it is (exit 2)', async () => {
    const file = path.join(REAL_WORLD, PROBE);
    const run = await runTracelint(['stats', file]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('this is a Tempo search response');
  });

  it('the whole corpus as a directory: the probe is named, every trace file is checked (exit 2 for the probe)', async () => {
    const run = await runTracelint(['check', REAL_WORLD, '--reporter', 'json']);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as { summary: { inputs: unknown[]; exitCode: number }; notices: Array<{ level: string; file: string }> };
    expect(report.summary.inputs).toHaveLength(Object.keys(CORPUS).length);
    expect(report.summary.exitCode).toBe(2);
    expect(report.notices.filter((n) => n.level === 'error').map((n) => path.relative(REAL_WORLD, n.file))).toEqual([PROBE]);
  });
});
