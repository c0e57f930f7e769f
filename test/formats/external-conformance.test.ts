import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { readTraces } from '../../src/formats/read.js';
import type { FormatName } from '../../src/model/span.js';

/**
 * Every real export in ../shared/fixtures/external (written by Jaeger, Zipkin,
 * Tempo, the Collector and the SDKs, not by us) decodes, is detected as the
 * format of its folder, and yields as many spans as an independent count of
 * the raw JSON made here without our decoder.
 */
const EXTERNAL = fileURLToPath(new URL('../../../shared/fixtures/external', import.meta.url));
const FOLDER_FORMAT: Record<string, FormatName> = { 'otlp-json': 'otlp-json', 'otlp-jsonl': 'otlp-jsonl', jaeger: 'jaeger', zipkin: 'zipkin', tempo: 'tempo' };
const MALFORMED = 'jaeger/jaeger__trace_scan_error.json';

const files = readdirSync(EXTERNAL, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && !entry.name.endsWith('.md'))
  .map((entry) => path.relative(EXTERNAL, path.join(entry.parentPath, entry.name)))
  .sort();

type Json = Record<string, unknown>;

/** Spans in an OTLP request, counted from the raw JSON. */
function otlpSpanCount(request: Json): number {
  const inner = (request.result ?? request.trace ?? request) as Json;
  const resourceSpans = (inner.resourceSpans ?? inner.resource_spans ?? inner.batches ?? []) as Json[];
  return resourceSpans.reduce((sum, rs) => sum + ((rs.scopeSpans ?? rs.scope_spans ?? rs.instrumentationLibrarySpans ?? []) as Json[]).reduce((n, ss) => n + ((ss.spans as unknown[]) ?? []).length, 0), 0);
}

function independentCount(folder: string, text: string): number {
  if (folder === 'otlp-jsonl') return text.split('\n').filter((line) => line.trim() !== '').reduce((sum, line) => sum + otlpSpanCount(JSON.parse(line) as Json), 0);
  const value = JSON.parse(text) as Json | Json[];
  if (folder === 'zipkin') return Array.isArray(value) ? value.length : 1;
  if (folder === 'jaeger') {
    if (Array.isArray(value)) return value.length;
    if (Array.isArray(value.data)) return (value.data as Json[]).reduce((sum, t) => sum + (t.spans as unknown[]).length, 0);
    return (value.spans as unknown[]).length;
  }
  return otlpSpanCount(value as Json);
}

describe('conformance on real exports from other tools', () => {
  it('finds the fixtures (CI has ../shared beside the clone)', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  it.each(files.filter((file) => file !== MALFORMED))('%s', async (file) => {
    const folder = file.split(path.sep)[0]!;
    const result = await readTraces([path.join(EXTERNAL, file)]);
    expect(result.problems).toEqual([]);
    expect(result.inputs[0]!.format).toBe(FOLDER_FORMAT[folder]);
    // Zipkin parts of one span are merged: the spans and the parts merged into them make up the entries.
    expect(result.spans.length + result.inputs[0]!.mergedParts).toBe(independentCount(folder, readFileSync(path.join(EXTERNAL, file), 'utf8')));
    for (const span of result.spans) {
      expect(span.source.line).toBeGreaterThan(0);
      // Only the API v3 snapshot leaves its span's times out (zero values are omitted): unknown, not 0.
      expect(span.startTimeUnixNano).toBeTypeOf(file === 'otlp-json/jaeger__GetTrace.json' ? 'undefined' : 'bigint');
    }
  });

  it('reports the malformed Jaeger dump with its line, column and what was expected', async () => {
    const error = await readTraces([path.join(EXTERNAL, MALFORMED)]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ line: 2, column: 1 });
    expect((error as Error).message).toMatch(/expected a value .* found '\]'/);
  });
});

describe('facts PROVENANCE.md states about the fixtures', () => {
  const read = async (file: string) => (await readTraces([path.join(EXTERNAL, file)])).spans;

  it('uppercase hex ids are lowercased; the orphan parent is kept', async () => {
    const [span] = await read('otlp-json/proto__trace.json');
    expect(span!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span!.parentSpanId).toBe('eee19b7ec3c1b173');
    expect(span!.kind).toBe('SERVER');
  });

  it('Tempo base64 ids become hex; all-zero ids are kept and noted', async () => {
    const spans = await read('tempo/oats__trace_by_id.json');
    expect(spans.every((span) => /^[0-9a-f]{32}$/.test(span.traceId) && /^[0-9a-f]{16}$/.test(span.spanId))).toBe(true);
    expect(spans[0]!.traceId).toBe(Buffer.from('B3vTDy+BVLWUjcBHJPif9Q==', 'base64').toString('hex'));
    const zero = await read('tempo/oats__tempo_trace_response.json');
    expect(zero[0]!.traceId).toBe('0'.repeat(32));
    expect(zero[0]!.idProblems).toContainEqual({ field: 'traceId', seen: 'AAAAAAAAAAAAAAAAAAAAAA==', problem: 'all-zero' });
  });

  it('snake_case containers and string enums (grafana agent)', async () => {
    const spans = await read('otlp-json/grafana-agent__trace-sample.json');
    const kinds = spans.map((span) => span.kind);
    // 12 spans carry SPAN_KIND_* names, 5 carry no kind at all.
    expect([kinds.filter((k) => k === 'SERVER').length, kinds.filter((k) => k === 'CLIENT').length, kinds.filter((k) => k === 'UNSPECIFIED').length]).toEqual([6, 6, 5]);
    expect(spans.some((span) => span.status.code === 'ERROR')).toBe(true);
  });

  it('Jaeger ids without leading zeros are padded and noted; FOLLOWS_FROM parents are recorded', async () => {
    const petclinic = await read('jaeger/jaeger-ui__spanAmongEachOtherGroupedAndSpans.json');
    expect(petclinic[0]!.traceId).toBe('0df84e36b9e2ee3815d07f0867a5be1f');
    expect(petclinic[0]!.idProblems).toContainEqual({ field: 'traceId', seen: 'df84e36b9e2ee3815d07f0867a5be1f', problem: 'padded' });
    const issue115 = await read('jaeger/jaeger-ui__2992f2a5b5d037a8aabffd08ef384237.json');
    expect(issue115.find((span) => span.parentSpanId !== undefined)!.parentRefType).toBe('FOLLOWS_FROM');
  });

  it('non-hex Jaeger ids are kept as seen and noted', async () => {
    const spans = await read('jaeger/jaeger-ui__testTrace.json');
    expect(spans[0]!.traceId).toBe('trace-123');
    expect(spans[0]!.idProblems).toContainEqual({ field: 'traceId', seen: 'trace-123', problem: 'not-hex' });
  });

  it('a Jaeger int64 tag given as a string stays exact', async () => {
    const spans = await read('jaeger/jaeger__ui_01.json');
    const values = spans.flatMap((span) => Object.values(span.attributes));
    expect(values).toContain(9223372036854775222n);
  });

  it('Zipkin shared server spans keep their client id and hang under the client', async () => {
    const result = await readTraces([path.join(EXTERNAL, 'zipkin/zipkin__skew.json')]);
    const shared = result.spans.find((span) => span.shared)!;
    const trace = result.traces.get(shared.traceId)!;
    expect(trace.parent(shared)!.kind).toBe('CLIENT');
    expect(trace.parent(shared)!.spanId).toBe(shared.spanId);
  });

  it('Zipkin ids of one hex digit are padded and noted', async () => {
    const [span] = await read('zipkin/jaeger__zipkin_v2_02.json');
    expect(span!.traceId).toBe('2'.padStart(32, '0'));
    expect(span!.idProblems).toContainEqual({ field: 'traceId', seen: '2', problem: 'padded' });
  });

  it('the Collector status tags of a Zipkin span become its status', async () => {
    const [span] = await read('zipkin/collector-contrib__sample3.json');
    expect(span!.status.code).toBe('ERROR');
    expect(span!.attributes['otel.status_code']).toBeUndefined();
  });
});
