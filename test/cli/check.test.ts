import { mkdtempSync, readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runTracelint } from '../support/cli.js';

const EXTERNAL = fileURLToPath(new URL('../../../shared/fixtures/external', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tracelint-check-'));
}

/** A trace with one orphan (error) and one deprecated attribute (warning). */
function brokenTrace(dir: string): string {
  const file = path.join(dir, 'broken.json');
  writeFileSync(
    file,
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
          scopeSpans: [
            {
              spans: [
                { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', parentSpanId: '53995c3f42cd8ad8', name: 'POST /orders', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000', attributes: [{ key: 'http.method', value: { stringValue: 'POST' } }] },
              ],
            },
          ],
        },
      ],
    }, null, 2),
  );
  return file;
}

describe('tracelint check', () => {
  it('exits 1 on errors, names the file, line and rule, and summarises', async () => {
    const dir = tempDir();
    brokenTrace(dir);
    const run = await runTracelint(['check', 'broken.json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('broken.json');
    expect(run.stdout).toMatch(/\d+:\d+\s+error\s+SERVER 'POST \/orders' in checkout has parent 53995c3f42cd8ad8, which was not exported.*orphan-span/);
    expect(run.stdout).toMatch(/✖ \d+ problems \(\d+ errors?, \d+ warnings?\) in 1 trace, 1 span/);
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });

  it('exits 0 when only warnings remain, and 1 with --max-warnings below their count', async () => {
    const dir = tempDir();
    brokenTrace(dir);
    const warnOnly = await runTracelint(['check', 'broken.json', '--rule', 'orphan-span=off', '--rule', 'missing-root=off'], { cwd: dir });
    expect(warnOnly.code).toBe(0);
    expect(warnOnly.stdout).toContain('deprecated-attribute');
    const strict = await runTracelint(['check', 'broken.json', '--rule', 'orphan-span=off', '--max-warnings', '0'], { cwd: dir });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('more than --max-warnings 0');
  });

  it('--rule before the inputs takes one value, so the inputs stay inputs', async () => {
    const dir = tempDir();
    brokenTrace(dir);
    const run = await runTracelint(['check', '--rule', 'orphan-span=off,missing-root=off', 'broken.json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('--quiet reports errors only', async () => {
    const dir = tempDir();
    brokenTrace(dir);
    const run = await runTracelint(['check', 'broken.json', '--quiet', '--reporter', 'json'], { cwd: dir });
    const report = JSON.parse(run.stdout) as { diagnostics: Array<{ severity: string }> };
    expect(report.diagnostics.length).toBeGreaterThan(0);
    expect(report.diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });

  it('is quiet and exits 0 on the bundled healthy example', async () => {
    const run = await runTracelint(['check', path.join(FIXTURES, 'checkout.otlp.json')]);
    expect(run.stdout).toMatch(/✔ no problems in 2 traces, 14 spans/);
    expect(run.code).toBe(0);
  });

  it('exits 2 with the position and no stack trace on malformed input; --debug adds the stack', async () => {
    const file = path.join(EXTERNAL, 'jaeger/jaeger__trace_scan_error.json');
    const run = await runTracelint(['check', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/jaeger__trace_scan_error\.json:2:1: invalid JSON: expected a value/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const debug = await runTracelint(['check', file, '--debug']);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('exits 2 on usage errors: unknown rule (with a suggestion), bad severity, missing file', async () => {
    const dir = tempDir();
    brokenTrace(dir);
    const unknown = await runTracelint(['check', 'broken.json', '--rule', 'orphan-spans=off'], { cwd: dir });
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('did you mean "orphan-span"?')]);
    const bad = await runTracelint(['check', 'broken.json', '--rule', 'orphan-span=fatal'], { cwd: dir });
    expect(bad.code).toBe(2);
    const missing = await runTracelint(['check', 'nope.json'], { cwd: dir });
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'tracelint: nope.json: no such file']);
  });

  it('reads stdin and gzip', async () => {
    const dir = tempDir();
    const text = readFileSync(brokenTrace(dir));
    const fromStdin = await runTracelint(['check', '-', '--reporter', 'json'], { stdin: gzipSync(text) });
    const report = JSON.parse(fromStdin.stdout) as { summary: { inputs: Array<{ name: string; format: string }> } };
    expect(report.summary.inputs).toEqual([{ name: '<stdin>', format: 'otlp-json', spans: 1 }]);
  });

  it('uses tracelint.config.json found upward: severities, per-service overrides, ignore patterns', async () => {
    const dir = tempDir();
    brokenTrace(dir);
    const sub = path.join(dir, 'sub');
    await import('node:fs/promises').then((fs) => fs.mkdir(sub));
    writeFileSync(path.join(dir, 'tracelint.config.json'), JSON.stringify({ rules: { 'deprecated-attribute': 'error' }, overrides: [{ services: ['check*'], rules: { 'orphan-span': 'warn' } }], ignore: [{ rule: 'missing-root' }] }));
    const run = await runTracelint(['check', '../broken.json', '--reporter', 'json'], { cwd: sub });
    const report = JSON.parse(run.stdout) as { diagnostics: Array<{ ruleId: string; severity: string }>; summary: { ignored: number } };
    expect(Object.fromEntries(report.diagnostics.map((d) => [d.ruleId, d.severity]))).toEqual({ 'deprecated-attribute': 'error', 'orphan-span': 'warn' });
    expect(report.summary.ignored).toBe(1);
    expect(run.code).toBe(1);
  });

  it('rejects a config with an unknown rule or a wrongly typed option (exit 2)', async () => {
    const dir = tempDir();
    brokenTrace(dir);
    writeFileSync(path.join(dir, 'tracelint.config.json'), JSON.stringify({ rules: { 'attribute-count': ['warn', { warnAbove: 'twenty' }] } }));
    const run = await runTracelint(['check', 'broken.json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('rules.attribute-count: option "warnAbove" expects a number');
  });

  it('baseline: accepts today\'s findings, fails only on new ones', async () => {
    const dir = tempDir();
    brokenTrace(dir);
    const update = await runTracelint(['check', 'broken.json', '--baseline', 'baseline.json', '--update-baseline'], { cwd: dir });
    expect(update.code).toBe(0);
    const again = await runTracelint(['check', 'broken.json', '--baseline', 'baseline.json'], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/no problems .* in baseline/);
    // A new finding (a second orphaned span) is reported.
    const text = JSON.parse(readFileSync(path.join(dir, 'broken.json'), 'utf8')) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
    text.resourceSpans[0]!.scopeSpans[0]!.spans.push({ ...text.resourceSpans[0]!.scopeSpans[0]!.spans[0]!, spanId: '1111111111111111', parentSpanId: '2222222222222222' });
    writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(text));
    const fresh = await runTracelint(['check', 'broken.json', '--baseline', 'baseline.json', '--reporter', 'json'], { cwd: dir });
    const report = JSON.parse(fresh.stdout) as { diagnostics: Array<{ ruleId: string; spanId: string }> };
    expect(fresh.code).toBe(1);
    expect(report.diagnostics.map((d) => d.spanId)).toEqual(expect.arrayContaining(['1111111111111111']));
    expect(report.diagnostics.some((d) => d.spanId === '00f067aa0ba902b7' && d.ruleId === 'orphan-span')).toBe(false);
  });

  it('--output-file writes the report atomically and never touches the input', async () => {
    const dir = tempDir();
    const input = brokenTrace(dir);
    const before = readFileSync(input);
    writeFileSync(path.join(dir, 'report.sarif'), 'previous');
    const run = await runTracelint(['check', 'broken.json', '--reporter', 'sarif', '--output-file', 'report.sarif'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(JSON.parse(readFileSync(path.join(dir, 'report.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(readFileSync(input)).toEqual(before);
    expect(readdirSync(dir).filter((name) => name.includes('tracelint-tmp'))).toEqual([]);
  });

  it('colours only when asked or on a TTY, and honours NO_COLOR', async () => {
    const dir = tempDir();
    brokenTrace(dir);
    expect((await runTracelint(['check', 'broken.json'], { cwd: dir, tty: true })).stdout).toMatch(/\u001b\[/);
    expect((await runTracelint(['check', 'broken.json'], { cwd: dir, tty: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(/\u001b\[/);
    expect((await runTracelint(['check', 'broken.json', '--color'], { cwd: dir })).stdout).toMatch(/\u001b\[/);
    expect((await runTracelint(['check', 'broken.json'], { cwd: dir, env: { FORCE_COLOR: '1' } })).stdout).toMatch(/\u001b\[/);
  });

  it('rules, explain and init', async () => {
    const rules = await runTracelint(['rules', '--json']);
    const list = JSON.parse(rules.stdout) as Array<{ id: string }>;
    expect(list.map((rule) => rule.id)).toContain('clock-skew');
    const explain = await runTracelint(['explain', 'clock-skew']);
    expect(explain.stdout).toContain('## Why it matters');
    expect((await runTracelint(['explain', 'nope'])).code).toBe(2);
    const dir = tempDir();
    expect((await runTracelint(['init'], { cwd: dir })).code).toBe(0);
    const config = JSON.parse(readFileSync(path.join(dir, 'tracelint.config.json'), 'utf8')) as { rules: Record<string, unknown> };
    expect(Object.keys(config.rules)).toHaveLength(list.length);
    expect((await runTracelint(['init'], { cwd: dir })).code).toBe(2);
    expect((await runTracelint(['init', '--force'], { cwd: dir })).code).toBe(0);
    // The config init writes is accepted as is.
    brokenTrace(dir);
    expect((await runTracelint(['check', 'broken.json'], { cwd: dir })).code).toBe(1);
    expect(existsSync(path.join(dir, 'tracelint.config.json'))).toBe(true);
  });
});

describe('stats table', () => {
  it('names the input across both columns, so a long path leaves the labels narrow', async () => {
    const file = path.join(FIXTURES, 'checkout.otlp.json');
    const run = await runTracelint(['stats', file]);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[1]).toContain(file);
    expect(lines.find((line) => line.includes('format'))).toMatch(/^│ format +│ otlp-json +│$/);
    expect(lines.find((line) => line.includes('format'))!.indexOf('│', 1)).toBeLessThan(20);
  });
});
