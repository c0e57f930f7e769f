import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/engine.js';
import { formatDuration } from '../../src/model/time.js';
import { TraceSet } from '../../src/model/trace.js';
import { buildViewerData, MAX_TRACE_SPANS, SPAN_BUDGET } from '../../src/report/html/build.js';
import type { ViewerData } from '../../src/report/html/data.js';
import { embedJson, htmlPage } from '../../src/report/html/page.js';
import { COLORS, CONTRAST_PAIRS } from '../../src/report/html/style.js';
import { formatNs, serviceColors } from '../../src/report/html/viewer.js';
import { REPORTERS } from '../../src/report/index.js';
import type { ReportInput } from '../../src/report/types.js';
import { RULES } from '../../src/rules/index.js';
import { runTracelint, runTraceview } from '../support/cli.js';
import { inject, ms, sdkSystem, SpanKind, toOtlpJson } from '../support/sdk.js';
import { resource, sid, span, tid } from '../support/spans.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'tracelint-html-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The JSON the page embeds, read back as the viewer reads it. */
function dataOf(html: string): ViewerData {
  const match = /<script type="application\/json" id="tracelint-data">([^<]*)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!) as ViewerData;
}

function inputOf(spans: ReturnType<typeof span>[]): ReportInput {
  const traces = new TraceSet(spans);
  const result = lint(traces);
  return { diagnostics: result.diagnostics, rules: RULES, summary: { inputs: [{ name: 'x.json', format: 'otlp-json', spans: spans.length }], exitCode: result.errorCount > 0 ? 1 : 0, traces: traces.traces.size, spans: spans.length, errors: result.errorCount, warnings: result.warningCount, baselined: 0, ignored: 0 }, cwd: ROOT, color: false, toolVersion: '0.0.0-test', notices: [], traces };
}

describe('html report: one self-contained file', () => {
  const html = REPORTERS.html(inputOf([span({ spanId: sid('1'), name: 'root' }), span({ spanId: sid('2'), parentSpanId: sid('dead'), name: 'orphan' })]));

  it('a CSP that forbids loading anything and runs only the inline script and style, by their hashes', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(csp.split('; ')).toEqual(["default-src 'none'", `script-src ${hash(script)}`, `style-src ${hash(style)}`, "img-src 'none'", "font-src 'none'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'"]);
    // The policy comes before anything it governs.
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });

  it('nothing is loaded: no src, no stylesheet link, no href in the markup; two script elements, one of them data', () => {
    const markup = html.replace(/<script type="application\/json"[^>]*>[^<]*<\/script>/, '').replace(/<script>[\s\S]*?<\/script>/, '').replace(/<style>[\s\S]*?<\/style>/, '');
    expect(markup).not.toMatch(/\b(src|href)=|<link|<img|<iframe|@import|url\(/i);
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(/<style>([\s\S]*?)<\/style>/.exec(html)![1]).not.toMatch(/url\(|@import/);
  });

  it('the page script builds the DOM with textContent and createElement only', () => {
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|setAttribute\(['"](on|href|src|style)/);
    expect(script).toContain('startViewer();');
  });

  it('every declaration of the viewer module is exported, so the page script has it', () => {
    const source = readFileSync(path.join(ROOT, 'src/report/html/viewer.ts'), 'utf8');
    expect(source.match(/^(?:async )?(?:function|class|const|let|var) /gm) ?? []).toEqual([]);
  });
});

describe('html report: the data cannot leave its script element', () => {
  const HOSTILE = ['</script><script>alert(1)</script>', '<!--', '<script>', '\u2028\u2029', '</SCRIPT >', '&lt;', ']]>', '\\u003c'];
  it.each(HOSTILE)('%j', (text) => {
    const embedded = embedJson({ text, nested: [text] });
    expect(embedded).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(embedded)).toEqual({ text, nested: [text] });
  });

  it('a page from hostile names has no markup from them outside the data', () => {
    const page = REPORTERS.html(inputOf(HOSTILE.map((name, i) => span({ spanId: sid(String(i + 1)), parentSpanId: sid('dead'), name, service: name }))));
    const outside = page.replace(/<script type="application\/json"[^>]*>[^<]*<\/script>/, '');
    for (const name of ['</script><script>alert(1)</script>', '<!--', '</SCRIPT >', 'alert(1)']) expect(outside).not.toContain(name);
    expect(dataOf(page).traces[0]!.spans!.map((s) => s.name).sort()).toEqual([...HOSTILE].map((n) => n.replace(/\u2028/g, '\\u{2028}').replace(/\u2029/g, '\\u{2029}')).sort());
  });
});

describe('html report: PII masked as in the other reporters, the secret never in the file', () => {
  const SECRETS = { email: 'jane.doe@acmecorp.eu', token: 'tok_live_9f8e7d6c5b4a', jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', card: '4539 1488 0343 6467', bearer: 'abcdefghijklmnop123' };

  it('made with the OpenTelemetry SDK: secrets in names, attributes, events, links and status messages', async () => {
    const { svc, spans } = sdkSystem(['frontend', 'checkout']);
    const root = svc.frontend!.start(`GET /users/${SECRETS.email}`, { kind: SpanKind.SERVER, at: 0, attributes: { 'http.request.header.authorization': `Bearer ${SECRETS.bearer}`, 'app.api_token': SECRETS.token } });
    const call = svc.frontend!.start('POST /pay', { kind: SpanKind.CLIENT, parent: root, at: 1, attributes: { note: `card ${SECRETS.card}` } });
    const server = svc.checkout!.start('POST /pay', { kind: SpanKind.SERVER, remote: inject(call), at: 2, links: [{ context: root.spanContext(), attributes: { 'session.jwt': SECRETS.jwt } }] });
    server.addEvent('login', { who: SECRETS.email }, ms(3));
    server.setStatus({ code: 2, message: `declined for ${SECRETS.email}` });
    server.end(ms(5));
    call.end(ms(6));
    root.end(ms(7));
    const file = path.join(dir, 'secrets.json');
    writeFileSync(file, toOtlpJson(await spans()));
    const out = path.join(dir, 'secrets.html');
    const run = await runTracelint(['check', file, '--reporter', 'html', '--output-file', out], { cwd: dir });
    expect(run.code).toBe(1);
    const page = readFileSync(out, 'utf8');
    for (const secret of Object.values(SECRETS)) expect(page).not.toContain(secret);
    expect(page).not.toContain('jane.doe');
    const data = dataOf(page);
    const all = data.traces.flatMap((trace) => trace.spans ?? []);
    expect(all.map((s) => s.name)).toContain('GET /users/j***@a***.eu');
    expect(all.flatMap((s) => s.attributes)).toEqual(expect.arrayContaining([['app.api_token', `**** (${SECRETS.token.length} chars)`], ['http.request.header.authorization', `Bearer **** (${SECRETS.bearer.length} chars)`], ['note', 'card ****6467']]));
    expect(all.find((s) => s.message)?.message).toBe('declined for j***@a***.eu');
    expect(all.flatMap((s) => s.events.flatMap((e) => e.attributes))).toEqual([['who', 'j***@a***.eu']]);
    // The findings say the same as the text reporter.
    const stylish = await runTracelint(['check', file], { cwd: dir });
    for (const finding of data.findings) expect(stylish.stdout).toContain(finding.message);
  });

  it('a resource attribute holding a secret', () => {
    const page = REPORTERS.html(inputOf([span({ resource: resource('svc', { 'deploy.password': 'hunter2!hunter2!', 'owner.email': 'ops@acmecorp.eu' }) })]));
    expect(page).not.toContain('hunter2!');
    expect(page).not.toContain('ops@acmecorp.eu');
    expect(dataOf(page).resources[0]).toEqual([['deploy.password', '**** (16 chars)'], ['owner.email', 'o***@a***.eu'], ['service.name', 'svc']]);
  });
});

describe('html report: what it holds', () => {
  it('every span of an embedded trace once, in tree order with depths; marks and critical stretches', () => {
    const data = dataOf(REPORTERS.html(inputOf([
      span({ spanId: sid('1'), name: 'root', at: [0, 100] }),
      span({ spanId: sid('2'), parentSpanId: sid('1'), name: 'child', at: [10, 60], status: { code: 'ERROR', message: 'boom' } }),
      span({ spanId: sid('3'), parentSpanId: sid('2'), name: 'grandchild', at: [20, 30] }),
      span({ spanId: sid('4'), parentSpanId: sid('dead'), name: 'orphan', at: [5, 8] }),
    ])));
    const spans = data.traces[0]!.spans!;
    expect(spans.map((s) => [s.name, s.depth, s.marks])).toEqual([
      ['root', 0, ['critical']],
      ['child', 1, ['critical', 'error']],
      ['grandchild', 2, ['critical']],
      // Every top has its critical path, an orphan's subtree too (as Jaeger walks each root).
      ['orphan', 0, ['critical', 'orphan']],
    ]);
    expect(spans[0]!.critical).toEqual([[60e6, 100e6], [0, 10e6]]);
    expect(spans.map((s) => [s.start, s.end])).toEqual([[0, 100e6], [10e6, 60e6], [20e6, 30e6], [5e6, 8e6]]);
    expect(data.marks.map((m) => m.id)).toEqual(['critical', 'error', 'orphan', 'skew', 'lost', 'link', 'cycle']);
    expect(data.rules.map((r) => r.id).sort()).toEqual([...new Set(data.findings.map((f) => f.rule))].sort());
    expect(data.rules.find((r) => r.id === 'orphan-span')!.url).toBe('https://unpkg.com/tracelint@0.0.0-test/docs/rules/orphan-span.md');
  });

  it(`past ${SPAN_BUDGET} spans, only traces with findings are embedded (most errors first), within the budget; the rest are listed`, () => {
    // 60 traces of 1000 spans: every tenth has an orphan (an error).
    const spans = [];
    for (let t = 0; t < 60; t++) {
      for (let s = 0; s < 1000; s++) spans.push(span({ traceId: tid(`f${t}`), spanId: sid(`${t}x${s}`), parentSpanId: s === 0 ? (t % 10 === 0 ? sid('dead') : undefined) : sid(`${t}x0`), at: [s, s + 1] }));
    }
    const data = dataOf(REPORTERS.html(inputOf(spans)));
    expect(data.traces).toHaveLength(60);
    const embedded = data.traces.filter((trace) => trace.spans);
    expect(embedded.map((trace) => trace.id)).toEqual([0, 10, 20, 30, 40, 50].map((t) => tid(`f${t}`)));
    expect(embedded.every((trace) => trace.open && trace.spans!.length === 1000)).toBe(true);
    expect(data.traces.filter((trace) => !trace.spans).every((trace) => trace.notDrawn && trace.spanCount === 1000)).toBe(true);
    expect(data.notes.join(' ')).toContain('54 traces are listed without their spans');
  });

  it('one trace larger than the budget is still drawn (up to the largest trace allowed)', () => {
    const traces = new TraceSet(Array.from({ length: SPAN_BUDGET + 10 }, (_, i) => span({ spanId: sid(`a${i}`), parentSpanId: i === 0 ? undefined : sid('a0') })));
    const data = buildViewerData({ mode: 'view', traces, chosen: [...traces.traces.values()], diagnostics: [], rules: [], notices: [], summary: { inputs: [], exitCode: 0, traces: 1, spans: traces.spanCount, errors: 0, warnings: 0, baselined: 0, ignored: 0 }, cwd: ROOT, toolVersion: 'x' });
    expect(data.traces[0]!.spans).toHaveLength(SPAN_BUDGET + 10);
    expect(MAX_TRACE_SPANS).toBeGreaterThan(SPAN_BUDGET);
  });
});

describe('html report: from the command line', () => {
  it('check --reporter html --output-file writes the page atomically, with the exit code of the run in it', async () => {
    const out = path.join(dir, 'report.html');
    const run = await runTracelint(['check', 'fixtures/checkout-broken.otlp.jsonl', '--reporter', 'html', '--output-file', out], { cwd: ROOT });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const data = dataOf(readFileSync(out, 'utf8'));
    expect(data.outcome).toEqual({ exitCode: 1, reasons: ['3 findings at error level'] });
    expect(data.findings).toHaveLength(5);
    // The most errors first, then the most warnings.
    expect(data.traces.filter((trace) => trace.open).map((trace) => trace.id)).toEqual(['4909298b89b76de0e012def3a17e4b3d', '00290892fb698cff129091aaf8ed707c', '84398145b7c02492d8bbc9bd6cdac8fc', 'f02265f23484086547626ec75865dab4']);
    expect(readdirSync(dir).filter((name) => name.startsWith('.tracelint-tmp'))).toEqual([]);
  });

  it('traceview --html draws the chosen traces without running the rules', async () => {
    const out = path.join(dir, 'view.html');
    const run = await runTraceview(['fixtures/checkout-broken.otlp.jsonl', '--errors', '--html', out], { cwd: ROOT });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^traceview: wrote 4 traces to .*view\.html \(\d+ KiB\)\n$/);
    const data = dataOf(readFileSync(out, 'utf8'));
    expect(data.mode).toBe('view');
    expect(data.findings).toEqual([]);
    expect(data.traces.filter((trace) => trace.open)).toHaveLength(4);
    // Marks come from the same source as the terminal picture: lost propagation is found without the rules.
    expect(data.traces.flatMap((trace) => trace.spans ?? []).filter((s) => s.marks.includes('lost'))).toHaveLength(2);
  });

  it.each([
    [['--trace', 'f022'], 1],
    [[], 10],
  ])('traceview --html %j opens %i traces', async (args, open) => {
    const out = path.join(dir, 'chosen.html');
    const run = await runTraceview(['fixtures/checkout-broken.otlp.jsonl', ...args, '--html', out], { cwd: ROOT });
    expect(run.code).toBe(0);
    expect(dataOf(readFileSync(out, 'utf8')).traces.filter((trace) => trace.open)).toHaveLength(open);
  });

  it('traceview --html with --span or --summary is a usage error', async () => {
    const run = await runTraceview(['fixtures/checkout-broken.otlp.jsonl', '--summary', '--html', path.join(dir, 'x.html')], { cwd: ROOT });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot be used with option '--summary'");
  });
});

describe('html viewer: formatting and colours', () => {
  it.each([0, 1, 999, 1000, 1500, 999_999, 1e6, 12_345_678, 999_999_999, 1e9, 59.99e9, 60e9, 754e9, 3_599e9, 3_600e9, 8_100e9, 47.9 * 3_600e9, 2 * 86_400e9, 302_400e9, 40 * 86_400e9, -2_500_000])('durations as the terminal prints them: %d ns', (ns) => {
    expect(formatNs(ns)).toBe(formatDuration(BigInt(ns)));
  });

  /** WCAG 2.1 relative luminance and contrast ratio. */
  function contrast(a: string, b: string): number {
    const luminance = (hex: string) => {
      const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
    };
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  }

  it.each(CONTRAST_PAIRS)('%s on %s: at least %d:1', (fg, bg, min) => {
    expect(contrast(COLORS[fg], COLORS[bg])).toBeGreaterThanOrEqual(min);
  });

  it.each(serviceColors())('service colour %s: at least 3:1 on the rows (plain, selected, highlighted)', (color) => {
    for (const background of [COLORS.background, COLORS.selected, COLORS.highlight, COLORS.panel]) expect(contrast(color, background)).toBeGreaterThanOrEqual(3);
  });
});
