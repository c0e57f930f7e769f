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
    summary: { inputs: [{ name: 'dir/trace 1.json', format: 'otlp-json', spans: 2 }], traces: 1, spans: 2, errors: result.errorCount, warnings: result.warningCount, baselined: 0, ignored: 0 },
    cwd: process.cwd(),
    color: false,
    toolVersion: '0.0.0-test',
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
    expect(Object.keys(report)).toEqual(['version', 'tool', 'summary', 'diagnostics']);
    expect(report.version).toBe(1);
    expect(Object.keys(report.diagnostics[0]!)).toEqual(['ruleId', 'severity', 'message', 'traceId', 'spanId', 'service', 'location', 'fingerprint', 'data']);
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
