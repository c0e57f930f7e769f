import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { afterAll, describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/engine.js';
import type { Diagnostic } from '../../src/lint/types.js';
import { TraceSet } from '../../src/model/trace.js';
import { MARKDOWN_LIMIT_BYTES, markdownReporter, markdownText } from '../../src/report/markdown.js';
import type { ReportInput } from '../../src/report/types.js';
import { RULES } from '../../src/rules/index.js';
import { runTracelint } from '../support/cli.js';
import { matchesGolden } from '../support/golden.js';
import { sid, span, tid } from '../support/spans.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./golden', import.meta.url));
const EXTERNAL = fileURLToPath(new URL('../../../shared/fixtures/external', import.meta.url));

/** GitHub renders Markdown as GFM (CommonMark + tables, autolinks, strikethrough…); raw HTML is let through here so an escape that fails shows. */
function render(markdown: string): string {
  return micromark(markdown, { extensions: [gfm()], htmlExtensions: [gfmHtml()], allowDangerousHtml: true });
}

describe('markdown reporter: golden files', () => {
  // Paths in reports are relative to the working directory: each case runs where its input is.
  const CASES: Array<[string, string, string, number]> = [
    ['checkout-broken.md', ROOT, 'fixtures/checkout-broken.otlp.jsonl', 1],
    ['checkout-clean.md', ROOT, 'fixtures/checkout.otlp.json', 0],
    ['jaeger-test-trace.md', EXTERNAL, 'jaeger/jaeger-ui__testTrace.json', 1],
    ['zipkin-smartthings.md', EXTERNAL, 'zipkin/zipkin__smartthings-oauth-authorization.json', 1],
  ];
  it.each(CASES)('%s', async (name, cwd, input, code) => {
    const run = await runTracelint(['check', input, '--reporter', 'markdown'], { cwd });
    expect(run.code).toBe(code);
    matchesGolden(GOLDEN, name, run.stdout);
  });
});

describe('markdown reporter: content', () => {
  it('says the exit status, links each rule to its docs page and shows the waterfall of each trace with errors', async () => {
    const run = await runTracelint(['check', 'fixtures/checkout-broken.otlp.jsonl', '--reporter', 'markdown'], { cwd: ROOT });
    const html = render(run.stdout);
    expect(html).toContain('exit 1: 3 findings at error level');
    expect(html).toMatch(/<a href="https:\/\/unpkg\.com\/tracelint@[^/]+\/docs\/rules\/lost-propagation\.md">lost-propagation<\/a>/);
    // Three traces have error-level findings (the pii finding, grouped, is its first trace's): three waterfalls, in code blocks.
    expect(html.match(/<pre><code class="language-text">trace /g)).toHaveLength(3);
    expect(html).toContain('↯ propagation lost');
  });

  it('--max-warnings and an unreadable line show in the exit status', async () => {
    const warnings = await runTracelint(['check', 'fixtures/checkout-broken.otlp.jsonl', '--reporter', 'markdown', '--rule', 'pii=off', '--rule', 'lost-propagation=off', '--max-warnings', '1'], { cwd: ROOT });
    expect(warnings.code).toBe(1);
    expect(render(warnings.stdout)).toContain('exit 1: more warnings than --max-warnings allows');
    // A bad line in JSON lines: the other lines are read and reported, and the run is incomplete.
    const lines = readFileSync(path.join(ROOT, 'fixtures/checkout-broken.otlp.jsonl'), 'utf8').split('\n');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tracelint-md-'));
    writeFileSync(path.join(dir, 'bad-line.jsonl'), [lines[0], '{"resourceSpans": [}', ...lines.slice(1)].join('\n'));
    const unreadable = await runTracelint(['check', 'bad-line.jsonl', '--reporter', 'markdown'], { cwd: dir });
    rmSync(dir, { recursive: true });
    expect(unreadable.code).toBe(2);
    expect(render(unreadable.stdout)).toContain('exit 2: bad-line.jsonl:2:20: invalid JSON');
  });
});

describe('markdown reporter: from merged shards', () => {
  it('the same findings as one check, without waterfalls (the shards carry no spans)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tracelint-md-shards-'));
    const input = path.join(ROOT, 'fixtures/checkout-broken.otlp.jsonl');
    const shards = [1, 2].map((k) => path.join(dir, `shard-${k}.json`));
    for (const [i, file] of shards.entries()) expect((await runTracelint(['check', input, '--shard', `${i + 1}/2`, '--shard-out', file], { cwd: dir })).code).toBe(0);
    const whole = await runTracelint(['check', input, '--reporter', 'markdown'], { cwd: dir });
    const merged = await runTracelint(['merge', ...shards, '--reporter', 'markdown'], { cwd: dir });
    rmSync(dir, { recursive: true });
    expect(merged.code).toBe(whole.code);
    const findings = (text: string) => {
      const end = text.indexOf('### Traces with errors');
      return text.slice(text.indexOf('### Findings by rule'), end < 0 ? undefined : end).trimEnd();
    };
    expect(findings(merged.stdout)).toBe(findings(whole.stdout));
    expect(merged.stdout).not.toMatch(/^```/m);
    expect(whole.stdout).toMatch(/^```+text$/m);
  });
});

describe('markdown reporter: PII', () => {
  it('the waterfalls show span names and status messages masked as the pii rule masks them', () => {
    const spans = [span({ spanId: sid('1'), name: 'GET /users/jane.doe@acmecorp.eu', parentSpanId: sid('dead'), status: { code: 'ERROR', message: 'no card 4539 1488 0343 6467' } })];
    const traces = new TraceSet(spans);
    const result = lint(traces);
    const text = markdownReporter({ diagnostics: result.diagnostics, rules: RULES, summary: { inputs: [], exitCode: 1, traces: 1, spans: 1, errors: result.errorCount, warnings: result.warningCount, baselined: 0, ignored: 0 }, cwd: ROOT, color: false, toolVersion: 'x', notices: [], traces });
    expect(text).toMatch(/^```+text$/m);
    expect(text).not.toContain('jane.doe');
    expect(text).not.toContain('4539 1488');
    expect(text).toContain('GET /users/j***@a***.eu');
    expect(text).toContain('error: no card ****6467');
  });
});

describe('markdown reporter: size', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tracelint-md-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`a large export (30k spans, every failure mode) stays under ${MARKDOWN_LIMIT_BYTES} bytes`, async () => {
    const file = path.join(dir, 'big.jsonl');
    execFileSync(process.execPath, ['bench/generate.mjs', '--spans', '30000', '--format', 'otlp-jsonl', '--seed', '7', '--out', file], { cwd: ROOT });
    const run = await runTracelint(['check', file, '--reporter', 'markdown'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(Buffer.byteLength(run.stdout)).toBeLessThan(MARKDOWN_LIMIT_BYTES);
    expect(run.stdout).toContain('### Findings by rule');
    expect(run.stdout).toMatch(/… and [\d,]+ more traces? with errors/);
  }, 120_000);

  /** Findings of many rules with long messages (a library user's own rules), on traces with waterfalls. */
  function crowded(rules: number): ReportInput {
    const spans = Array.from({ length: 30 }, (_, i) => span({ traceId: tid(String(i + 1)), spanId: sid(String(i + 1)), name: `op ${i}` }));
    const diagnostics: Diagnostic[] = [];
    for (let r = 0; r < rules; r++) {
      for (let i = 0; i < 6; i++) diagnostics.push({ ruleId: `custom-rule-${r}`, severity: 'error', message: `finding ${i} ${'x'.repeat(480)}`, traceId: tid(String((i % 30) + 1)), spanId: sid(String((i % 30) + 1)), data: {}, fingerprint: `${r}-${i}`, count: 1 });
    }
    return { diagnostics, rules: RULES, summary: { inputs: [], exitCode: 1, traces: 30, spans: 30, errors: diagnostics.length, warnings: 0, baselined: 0, ignored: 0 }, cwd: ROOT, color: false, toolVersion: '0.0.0-test', notices: [], traces: new TraceSet(spans) };
  }

  const waterfalls = (text: string) => (text.match(/^```+text$/gm) ?? []).length;
  const occurrences = (text: string) => (text.match(/^\| `0{20,}/gm) ?? []).length;

  it('below the limit nothing is left out', () => {
    const text = markdownReporter(crowded(10));
    expect(waterfalls(text)).toBe(6);
    expect(occurrences(text)).toBe(10 * 5);
    expect(text).not.toContain('Left out');
  });

  it('over it, waterfalls go first, then occurrences after the first of each rule, then first occurrences; the note says so', () => {
    // ~210 KB of occurrences: only the waterfalls must go.
    const fewRules = markdownReporter(crowded(60));
    // The waterfalls alone are about 13 KB here, so 380 rules need more than the limit in occurrences.
    const manyRules = markdownReporter(crowded(380));
    const tooMany = markdownReporter(crowded(2000));
    for (const text of [fewRules, manyRules, tooMany]) expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MARKDOWN_LIMIT_BYTES);
    expect(waterfalls(fewRules)).toBe(6);
    expect(waterfalls(manyRules)).toBe(0);
    expect(occurrences(manyRules)).toBeGreaterThanOrEqual(380);
    expect(occurrences(manyRules)).toBeLessThan(380 * 5);
    expect(manyRules).toMatch(/Left out to stay under GitHub's 1 MiB step-summary limit: 6 waterfalls and [\d,]+ occurrences/);
    // With 2000 rules even one occurrence each does not fit: the table of rules still lists every rule.
    expect(occurrences(tooMany)).toBeLessThan(2000);
    expect((tooMany.match(/^\| custom-rule-\d+ \| error/gm) ?? []).length).toBe(2000);
  });
});

describe('markdown reporter: hostile text is inert', () => {
  const HOSTILE = [
    '<img src=x onerror=alert(1)>',
    '</script><script>alert(1)</script>',
    '[click](javascript:alert(1))',
    '![x](https://evil.example/x.png)',
    '**bold** _it_ ~~gone~~ $x^2$',
    '| a | b |',
    'https://evil.example/p www.evil.example mail me@evil.example',
    '&lt;b&gt; &amp;',
    '```\nbreak out',
    'left\u202eright\u2066x',
    'bell\u0007esc\u001b[31mred',
  ];

  function hostileInput(): ReportInput {
    // Each name on an orphan (an error) with ERROR status, in its own trace, in a service with a hostile name.
    const spans = HOSTILE.flatMap((name, i) => [
      span({ traceId: tid(`a${i}`), spanId: sid(`1${i}`), name: 'root' }),
      span({ traceId: tid(`a${i}`), spanId: sid(`2${i}`), parentSpanId: sid('dead'), name, service: `svc ${name}`, status: { code: 'ERROR', message: name } }),
    ]);
    const traces = new TraceSet(spans);
    const result = lint(traces);
    return { diagnostics: result.diagnostics, rules: RULES, summary: { inputs: [{ name: '<b>x</b>.json', format: 'otlp-json', spans: spans.length }], exitCode: 1, traces: traces.traces.size, spans: spans.length, errors: result.errorCount, warnings: result.warningCount, baselined: 0, ignored: 0 }, cwd: ROOT, color: false, toolVersion: '0.0.0-test', notices: [], traces };
  }

  it('no element, link, image or emphasis comes from the data; the text reads as it was', () => {
    const markdown = markdownReporter(hostileInput());
    const html = render(markdown);
    expect(html).not.toMatch(/<(img|script|iframe|del|em|strong)\b[^>]*>[^<]*(alert|evil|bold|gone)/i);
    expect(html).not.toMatch(/<img|<script|javascript:[^<]*"/i);
    // The only links are the rule docs; no autolinks to evil.example.
    for (const [, href] of html.matchAll(/<a href="([^"]*)"/g)) expect(href).toMatch(/^https:\/\/unpkg\.com\/tracelint@0\.0\.0-test\/docs\/rules\/[a-z-]+\.md$/);
    // Only our own emphasis (the rule id in each trace's list): none around data.
    expect(html).not.toContain('<del>');
    // Shown as text: the markup characters arrive as text (HTML-escaped by the renderer).
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('[click](javascript:alert(1))');
    expect(html).toContain('**bold** _it_ ~~gone~~ $x^2$');
    expect(html).toContain('&amp;lt;b&amp;gt;');
    expect(html).toContain('https://evil.example/p www.evil.example');
    // Control and bidi characters never reach the page raw.
    expect(markdown).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202a-\u202e\u2066-\u2069]/);
    expect(html).toContain('left\\u{202e}right');
  });

  it('a table keeps its columns whatever the cells hold', () => {
    const html = render(markdownReporter(hostileInput()));
    for (const row of html.match(/<tr>[\s\S]*?<\/tr>/g) ?? []) {
      const cells = (row.match(/<t[dh]\b/g) ?? []).length;
      expect([3, 4, 5, 7]).toContain(cells);
    }
  });

  it('a code block cannot be closed by the text inside it', () => {
    const html = render(markdownReporter(hostileInput()));
    // Every waterfall is one <pre>: the backtick fence inside the name did not end it.
    const input = hostileInput();
    const tracesWithErrors = new Set(input.diagnostics.filter((d) => d.severity === 'error').map((d) => d.traceId));
    expect((html.match(/<pre><code/g) ?? []).length).toBe(tracesWithErrors.size);
    expect(html).not.toContain('<p>break out');
  });

  it.each([
    ['plain', 'GET /cart', 'GET /cart'],
    ['emphasis', '*a* _b_', '\\*a\\* \\_b\\_'],
    ['a link', '[a](b)', '\\[a\\](b)'],
    ['HTML', '<b>&amp;', '\\<b\\>\\&amp;'],
    ['a table pipe', 'a|b', 'a\\|b'],
    ['autolinks', 'https://x www.y a@b', 'https\\://x www\\.y a\\@b'],
    ['a newline', 'a\nb', 'a\\\\x0ab'],
  ])('markdownText: %s', (_name, text, escaped) => {
    expect(markdownText(text)).toBe(escaped);
  });
});
