import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutWaterfall, paintWaterfall } from '../../src/render/waterfall.js';
import { makeTheme } from '../../src/render/theme.js';
import { TraceSet } from '../../src/model/trace.js';
import { runTraceview } from '../support/cli.js';
import { matchesGolden } from '../support/golden.js';
import { sid, span, T0 } from '../support/spans.js';

const GOLDEN = fileURLToPath(new URL('./golden', import.meta.url));
const EXTERNAL = fileURLToPath(new URL('../../../shared/fixtures/external', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));

const CASES: Array<[string, string[]]> = [
  ['broken-80.txt', [path.join(FIXTURES, 'checkout-broken.otlp.jsonl'), '--trace', 'f022', '--width', '80']],
  ['broken-200.txt', [path.join(FIXTURES, 'checkout-broken.otlp.jsonl'), '--trace', 'f022', '--width', '200']],
  ['broken-80-color.txt', [path.join(FIXTURES, 'checkout-broken.otlp.jsonl'), '--trace', '0029', '--width', '80', '--color']],
  ['broken-80-ascii.txt', [path.join(FIXTURES, 'checkout-broken.otlp.jsonl'), '--trace', '0029', '--width', '80', '--ascii']],
  ['skew-120.txt', [path.join(EXTERNAL, 'zipkin/zipkin__skew.json'), '--width', '120']],
  ['genai-80-depth2.txt', [path.join(EXTERNAL, 'jaeger/jaeger-ui__genaiTestTrace.json'), '--width', '80', '--depth', '2']],
  ['genai-200-critical.txt', [path.join(EXTERNAL, 'jaeger/jaeger-ui__genaiTestTrace.json'), '--width', '200', '--critical-path']],
  ['checkout-summary.txt', [path.join(FIXTURES, 'checkout.otlp.json'), '--all', '--summary']],
  ['trace-list.txt', [path.join(FIXTURES, 'checkout-broken.otlp.jsonl')]],
];

describe('traceview golden outputs', () => {
  it.each(CASES)('%s', async (name, args) => {
    const run = await runTraceview(args);
    expect(run.code).toBe(0);
    matchesGolden(GOLDEN, name, run.stdout);
  });
});

describe('traceview behaviour', () => {
  it('every line fits the requested width', async () => {
    for (const width of [80, 120, 200]) {
      const run = await runTraceview([path.join(EXTERNAL, 'jaeger/jaeger-ui__genaiTestTrace.json'), '--width', String(width)]);
      for (const line of run.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(width);
    }
  });

  it('colour only on a TTY, honouring NO_COLOR and FORCE_COLOR', async () => {
    const file = path.join(EXTERNAL, 'zipkin/zipkin__skew.json');
    expect((await runTraceview([file])).stdout).not.toMatch(/\u001b\[/);
    expect((await runTraceview([file], { tty: true })).stdout).toMatch(/\u001b\[/);
    expect((await runTraceview([file], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
    expect((await runTraceview([file], { env: { FORCE_COLOR: '1' } })).stdout).toMatch(/\u001b\[/);
  });

  it('--span prints attributes, events and links; --slowest and --errors pick traces', async () => {
    const file = path.join(FIXTURES, 'checkout-broken.otlp.jsonl');
    const slowest = await runTraceview([file, '--slowest', '--width', '100']);
    expect(slowest.stdout).toMatch(/^trace f02265f2/);
    const errors = await runTraceview([file, '--errors', '--width', '100']);
    expect(errors.stdout.match(/^trace /gm)).toHaveLength(4);
    const checkout = JSON.parse(readFileSync(path.join(FIXTURES, 'checkout.otlp.json'), 'utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ spanId: string; name: string; links?: unknown[] }> }> }> };
    const consumer = checkout.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)).find((s) => s.name === 'orders process')!;
    const details = await runTraceview([path.join(FIXTURES, 'checkout.otlp.json'), '--span', consumer.spanId.slice(0, 8)]);
    expect(details.code).toBe(0);
    expect(details.stdout).toMatch(/name\s*│ orders process/);
    expect(details.stdout).toMatch(/messaging\.destination\.name\s*│ orders/);
    expect(details.stdout).toContain('link to trace');
  });

  it('text from the trace cannot reach the terminal raw', () => {
    const trace = new TraceSet([span({ spanId: sid('1'), name: 'evil\u001b]0;pwned\u0007\r\u202eexe.txt', service: 'svc\u001b[2J', status: { code: 'ERROR', message: 'boom\u001b[31m' } })]).traces.values().next().value!;
    const lines = paintWaterfall(trace, layoutWaterfall(trace, { width: 100 }), makeTheme(false, true), { width: 100 }).join('\n');
    expect(lines).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(lines).toContain('\\x1b]0;pwned');
  });

  it('draws a chain 100k spans deep and a fan-out of 100k without recursion', () => {
    const chain = Array.from({ length: 100_000 }, (_, i) => span({ spanId: sid((i + 1).toString(16)), parentSpanId: i === 0 ? undefined : sid(i.toString(16)), startTimeUnixNano: T0 + BigInt(i), endTimeUnixNano: T0 + 200_000n - BigInt(i) }));
    const fan = [span({ spanId: sid('f0000'), at: [0, 100] }), ...Array.from({ length: 100_000 }, (_, i) => span({ spanId: sid(`e${i.toString(16)}`), parentSpanId: sid('f0000'), at: [1, 2] }))];
    for (const spans of [chain, fan]) {
      const trace = new TraceSet(spans).traces.values().next().value!;
      const rows = layoutWaterfall(trace, { width: 120 });
      expect(rows).toHaveLength(spans.length);
      const lines = paintWaterfall(trace, rows, makeTheme(false, true), { width: 120 });
      expect(lines.length).toBeGreaterThan(spans.length);
    }
  });

  it('parent cycles are drawn, not lost', () => {
    const trace = new TraceSet([span({ spanId: sid('1'), parentSpanId: sid('2'), name: 'a' }), span({ spanId: sid('2'), parentSpanId: sid('1'), name: 'b' })]).traces.values().next().value!;
    const rows = layoutWaterfall(trace, { width: 100 });
    expect(rows.map((row) => row.span.name).sort()).toEqual(['a', 'b']);
    expect(rows.every((row) => row.marks.includes('cycle'))).toBe(true);
  });
});
