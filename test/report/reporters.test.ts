import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/lint/engine.js';
import type { Diagnostic } from '../../src/lint/types.js';
import { TraceSet } from '../../src/model/trace.js';
import { escapeData, escapeProperty } from '../../src/report/github.js';
import { REPORTERS, type ReportInput } from '../../src/report/index.js';
import { RULES } from '../../src/rules/index.js';
import { sid, span } from '../support/spans.js';

const require = createRequire(import.meta.url);
// The official SARIF 2.1.0 schema is JSON Schema draft-04.
const Ajv = require('ajv-draft-04') as typeof import('ajv').default;
const addFormats = require('ajv-formats') as (ajv: unknown) => void;
const sarifSchema = require('./sarif-schema-2.1.0.json') as object;

/** Findings with hostile text: quotes, markup, control characters, commas, colons, newlines, percent. */
function input(): ReportInput {
  const spans = [
    span({ spanId: sid('1'), name: 'GET /x <b>&"\'\u001b[31m', service: 'a,b:c', parentSpanId: sid('dead'), source: { file: 'dir/trace 1.json', format: 'otlp-json', line: 3, column: 7 } }),
    span({ spanId: sid('2'), name: '100%\nnext', attributes: { 'http.method': 'GET' }, source: { file: 'dir/trace 1.json', format: 'otlp-json', line: 9, column: 1 } }),
  ];
  const result = lint(new TraceSet(spans));
  return {
    diagnostics: result.diagnostics,
    rules: RULES,
    summary: { inputs: [{ name: 'dir/trace 1.json', format: 'otlp-json', spans: 2 }], exitCode: 1, traces: 1, spans: 2, errors: result.errorCount, warnings: result.warningCount, baselined: 0, ignored: 0 },
    cwd: process.cwd(),
    color: false,
    toolVersion: '0.0.0-test',
    notices: [],
  };
}

describe('reporters', () => {
  it('the findings used here include errors and warnings', () => {
    const { diagnostics } = input();
    expect(new Set(diagnostics.map((d) => d.severity))).toEqual(new Set(['error', 'warn']));
  });

  it('SARIF validates against the official SARIF 2.1.0 schema', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(sarifSchema);
    const log = JSON.parse(REPORTERS.sarif(input())) as { runs: Array<{ results: Array<{ ruleId: string; level: string; locations: unknown[]; partialFingerprints: Record<string, string> }>; tool: { driver: { rules: unknown[] } } }> };
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.runs[0]!.tool.driver.rules).toHaveLength(RULES.length);
    expect(log.runs[0]!.results[0]).toMatchObject({ level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'dir/trace%201.json' }, region: { startLine: 3, startColumn: 7 } } }] });
  });

  it('SARIF validation would catch a broken log', () => {
    const ajv = new Ajv({ strict: false });
    addFormats(ajv);
    const log = JSON.parse(REPORTERS.sarif(input())) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    log.runs[0]!.results[0]!.level = 'fatal';
    expect(ajv.compile(sarifSchema)(log)).toBe(false);
  });

  it('JSON has a versioned, stable shape', () => {
    const report = JSON.parse(REPORTERS.json(input())) as Record<string, unknown> & { diagnostics: Array<Record<string, unknown>> };
    expect(Object.keys(report)).toEqual(['version', 'tool', 'summary', 'diagnostics', 'notices']);
    expect(report.version).toBe(1);
    expect(Object.keys(report.diagnostics[0]!)).toEqual(['ruleId', 'severity', 'message', 'traceId', 'spanId', 'service', 'location', 'fingerprint', 'count', 'occurrences', 'data']);
  });

  it('JUnit XML is well formed: escaped text, no control characters', () => {
    const xml = REPORTERS.junit(input());
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(xml).toContain('&lt;b&gt;&amp;&quot;&apos;');
    // Every opened element is closed.
    const opened = (xml.match(/<(testsuite|testcase|failure)[\s>]/g) ?? []).length;
    const selfClosed = (xml.match(/\/>/g) ?? []).length;
    const closed = (xml.match(/<\/(testsuite|testcase|failure)>/g) ?? []).length;
    expect(opened).toBe(closed + selfClosed);
  });

  it('JUnit with no findings is one passing test case', () => {
    const empty = { ...input(), diagnostics: [] as Diagnostic[] };
    expect(REPORTERS.junit(empty)).toMatch(/tests="1" failures="0"[\s\S]*no findings/);
  });

  it('GitHub workflow commands escape data and properties', () => {
    expect(escapeData('100%\r\nnext')).toBe('100%25%0D%0Anext');
    expect(escapeProperty('a,b:c')).toBe('a%2Cb%3Ac');
    const lines = REPORTERS.github(input()).trim().split('\n');
    expect(lines[0]).toMatch(/^::error file=dir\/trace 1\.json,line=3,col=7,title=tracelint orphan-span::/);
    expect(lines.every((line) => !line.includes('\n'))).toBe(true);
    expect(lines.some((line) => line.startsWith('::warning '))).toBe(true);
  });

  it('stylish never lets trace text reach the terminal raw', () => {
    const text = REPORTERS.stylish(input());
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\\x1b[31m');
  });
});

describe('grouped findings and run notices reach every reporter', () => {
  /** One attribute problem on three spans (grouped by the rule), and an unreadable line. */
  function grouped(): ReportInput {
    const spans = [1, 2, 3].map((n) =>
      span({ spanId: sid(String(n)), attributes: { 'http.method': 'GET' }, source: { file: 'a.json', format: 'otlp-json', line: n * 10, column: 1 } }),
    );
    const diagnostics = lint(new TraceSet(spans)).diagnostics.filter((d) => d.ruleId === 'deprecated-attribute');
    return {
      ...input(),
      diagnostics,
      summary: { ...input().summary, exitCode: 2 },
      notices: [
        { level: 'error', message: 'expected an OTLP/JSON request on this line', file: 'b.jsonl', line: 4, column: 1 },
        { level: 'note', message: 'skipped 2 lines of other signals: 2 logs', file: 'b.jsonl' },
      ],
    };
  }

  it('the engine made one finding of three spans', () => {
    const [d] = grouped().diagnostics;
    expect(grouped().diagnostics).toHaveLength(1);
    expect(d!.count).toBe(3);
    expect(d!.occurrences!.map((o) => o.location?.line)).toEqual([10, 20, 30]);
  });

  it('stylish shows the count', () => {
    expect(REPORTERS.stylish(grouped())).toContain('×3 spans');
  });

  it('JSON: count, occurrences and notices', () => {
    const report = JSON.parse(REPORTERS.json(grouped())) as { summary: { exitCode: number }; diagnostics: Array<{ count: number; occurrences: unknown[] }>; notices: Array<{ level: string; line: number | null }> };
    expect(report.summary.exitCode).toBe(2);
    expect(report.diagnostics[0]).toMatchObject({ count: 3 });
    expect(report.diagnostics[0]!.occurrences).toHaveLength(3);
    expect(report.notices.map((n) => [n.level, n.line])).toEqual([
      ['error', 4],
      ['note', null],
    ]);
  });

  it('SARIF: related locations for the other spans, and an unsuccessful invocation with its reasons (still schema-valid)', () => {
    const log = JSON.parse(REPORTERS.sarif(grouped())) as { runs: Array<{ results: Array<{ relatedLocations: Array<{ physicalLocation: { region: { startLine: number } } }>; message: { text: string } }>; invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<{ level: string }> }> }> };
    const [result] = log.runs[0]!.results;
    expect(result!.message.text).toContain('×3 spans');
    expect(result!.relatedLocations.map((r) => r.physicalLocation.region.startLine)).toEqual([20, 30]);
    expect(log.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications.map((n) => n.level)).toEqual(['error', 'note']);
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(sarifSchema);
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('JUnit: the count in the case, and an error case for what made the run incomplete', () => {
    const xml = REPORTERS.junit(grouped());
    expect(xml).toContain('(×3 spans)');
    expect(xml).toMatch(/<testsuite name="tracelint run" tests="1" failures="0" errors="1">/);
    expect(xml).toContain('<error type="incomplete" message="expected an OTLP/JSON request on this line">b.jsonl:4:1: expected');
  });

  it('GitHub: the count in the annotation, and the reasons as annotations', () => {
    const text = REPORTERS.github(grouped());
    expect(text).toContain('::error file=b.jsonl,line=4,col=1,title=tracelint%3A incomplete run::expected an OTLP/JSON request on this line');
    expect(text).toContain('::notice file=b.jsonl,title=tracelint::skipped 2 lines');
    expect(text).toContain('(×3 spans)');
  });
});
