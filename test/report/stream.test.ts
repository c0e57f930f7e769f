import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/cli/write-report.js';
import { lint } from '../../src/lint/engine.js';
import { TraceSet } from '../../src/model/trace.js';
import { REPORTERS, reportChunks, type ReportInput, type ReporterName } from '../../src/report/index.js';
import { prettyJsonChunks } from '../../src/report/stream-json.js';
import { RULES } from '../../src/rules/index.js';
import { sid, span, tid } from '../support/spans.js';

/** Findings of several rules over many traces, some grouped; or none at all. */
function input(traces: number): ReportInput {
  const spans = Array.from({ length: traces }, (_, i) => [
    span({ traceId: tid(`t${i}`), spanId: sid(`a${i}`), parentSpanId: sid(`gone${i}`), kind: 'SERVER', name: 'GET /x', attributes: { 'http.method': 'GET' } }),
    span({ traceId: tid(`t${i}`), spanId: sid(`b${i}`), parentSpanId: sid(`a${i}`), name: 'db "\u2028<b>', status: { code: 'ERROR' } }),
  ]).flat();
  const result = lint(new TraceSet(spans));
  return {
    diagnostics: result.diagnostics,
    rules: RULES,
    summary: { inputs: [{ name: 'x.json', format: 'otlp-json', spans: spans.length }], exitCode: result.errorCount > 0 ? 1 : 0, traces, spans: spans.length, errors: result.errorCount, warnings: result.warningCount, baselined: 0, ignored: 0 },
    cwd: process.cwd(),
    color: false,
    toolVersion: '0.0.0-test',
    notices: [{ level: 'note', message: 'a note', file: 'x.json' }],
  };
}

describe('reports written as they are made', () => {
  it.each(['stylish', 'json', 'sarif', 'junit', 'github', 'markdown', 'html'] as ReporterName[])('%s: the chunks are the report, with findings and without', (name) => {
    for (const traces of [0, 1, 40]) {
      const whole = REPORTERS[name](input(traces));
      const chunks = [...reportChunks(name, input(traces))];
      expect(chunks.join('')).toBe(whole);
      // The reporters whose size grows with the findings write more than one chunk (json and sarif a batch of findings at a time).
      if (traces === 40 && !['markdown', 'html'].includes(name)) expect(chunks.length).toBeGreaterThan(['json', 'sarif'].includes(name) ? 2 : 40);
    }
  });

  it('prettyJsonChunks is JSON.stringify(value, undefined, 2), for an array at any place, empty or not', () => {
    const cases: Array<[unknown, string[], unknown[]]> = [
      [{ a: 1, list: [], b: { c: [1, 2] } }, ['list'], [{ x: [1, { y: null }] }, 'two', 3, []]],
      [{ runs: [{ results: [] }, { results: [] }] }, ['runs', '1', 'results'], [{ deep: { deeper: ['\u2028'] } }]],
      [{ list: [] }, ['list'], []],
      // More elements than one batch, at depth 1 and 3.
      [[1, []], ['1'], Array.from({ length: 600 }, (_, i) => ({ i, nested: [i, { s: 'x\u2028' }] }))],
      [{ runs: [{ results: [] }] }, ['runs', '0', 'results'], Array.from({ length: 513 }, (_, i) => (i % 2 ? [i] : { i }))],
    ];
    for (const [value, where, items] of cases) {
      const expected = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
      let target: Record<string, unknown> = expected;
      for (const key of where.slice(0, -1)) target = target[key] as Record<string, unknown>;
      target[where[where.length - 1]!] = items;
      expect([...prettyJsonChunks(value, where, items, (item) => item)].join('')).toBe(JSON.stringify(expected, undefined, 2).replace(/\u2028/g, '\\u2028'));
    }
  });

  it('to a file: atomically, and a failure mid-way leaves the file as it was and no temporary behind', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tracelint-stream-'));
    const file = path.join(dir, 'report.json');
    await writeReport(reportChunks('json', input(30)), { file });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 });
    writeFileSync(file, 'previous');
    function* failing(): Generator<string> {
      yield 'x'.repeat(1 << 19);
      throw new Error('disk on fire');
    }
    await expect(writeReport(failing(), { file })).rejects.toThrow('disk on fire');
    expect(readFileSync(file, 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['report.json']);
    expect(existsSync(file)).toBe(true);
  });

  it('to a stream: waits when it is full', async () => {
    const stream = new PassThrough({ highWaterMark: 1024 });
    let received = '';
    const done = writeReport(['a'.repeat(1 << 19), 'b'.repeat(1 << 19)], { stream });
    // Nothing reads yet: the writer must be waiting for 'drain', not buffering everything.
    await new Promise((resolve) => setTimeout(resolve, 20));
    stream.on('data', (chunk: Buffer) => (received += chunk.toString()));
    await done;
    expect(received.length).toBe(1 << 20);
  });
});
