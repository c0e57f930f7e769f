import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { readTraces } from '../../src/formats/read.js';
import { runTracelint } from '../support/cli.js';

const EXTERNAL = fileURLToPath(new URL('../../../shared/fixtures/external', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracelint-inputs-'));
  mkdirSync(path.join(dir, 'exports', 'nested'), { recursive: true });
  copyFileSync(path.join(EXTERNAL, 'zipkin/zipkin__skew.json'), path.join(dir, 'exports', 'a.json'));
  writeFileSync(path.join(dir, 'exports', 'nested', 'b.jsonl.gz'), gzipSync(readFileSync(path.join(FIXTURES, 'checkout-broken.otlp.jsonl'))));
  writeFileSync(path.join(dir, 'exports', 'notes.md'), '# not a trace');
  return dir;
}

describe('inputs', () => {
  it('a directory: its trace files, recursively, sorted, gzip included', async () => {
    const dir = workspace();
    const result = await readTraces(['exports'], { cwd: dir });
    expect(result.inputs.map((input) => [input.name, input.format, input.compressed])).toEqual([
      [path.join('exports', 'a.json'), 'zipkin', false],
      [path.join('exports', 'nested', 'b.jsonl.gz'), 'otlp-jsonl', true],
    ]);
  });

  it('a quoted glob, and the same file named twice is read once', async () => {
    const dir = workspace();
    const result = await readTraces(['exports/**/*.json', 'exports/a.json'], { cwd: dir });
    expect(result.inputs.map((input) => input.name)).toEqual(['exports/a.json']);
    await expect(readTraces(['nothing/*.json'], { cwd: dir })).rejects.toThrow('no files match this pattern');
  });

  it('a directory without trace files, an empty file, and an unknown format are clear errors', async () => {
    const dir = workspace();
    mkdirSync(path.join(dir, 'empty'));
    await expect(readTraces(['empty'], { cwd: dir })).rejects.toThrow('a directory with no trace files');
    writeFileSync(path.join(dir, 'blank.json'), '  \n');
    await expect(readTraces(['blank.json'], { cwd: dir })).rejects.toThrow(InputError);
    writeFileSync(path.join(dir, 'other.json'), '{"hello": "world"}');
    await expect(readTraces(['other.json'], { cwd: dir })).rejects.toThrow(/unknown trace format; tried:\n {2}otlp-json: .*\n {2}tempo: .*\n {2}jaeger: .*\n {2}zipkin: /);
  });

  it('--format forces a format, and a wrong one says what it expected', async () => {
    const dir = workspace();
    const forced = await readTraces(['exports/a.json'], { cwd: dir, format: 'zipkin' });
    expect(forced.spans).toHaveLength(4);
    await expect(readTraces(['exports/a.json'], { cwd: dir, format: 'jaeger' })).rejects.toThrow('not jaeger: expected');
  });

  it('a JSON-lines file with a bad line: the line is named, the rest is read, exit 2', async () => {
    const dir = workspace();
    const lines = readFileSync(path.join(FIXTURES, 'checkout-broken.otlp.jsonl'), 'utf8').trimEnd().split('\n');
    lines.splice(1, 0, '{"resourceSpans": [oops]}');
    writeFileSync(path.join(dir, 'bad.jsonl'), `${lines.join('\n')}\n`);
    const result = await readTraces(['bad.jsonl'], { cwd: dir });
    expect(result.problems.map((problem) => [problem.line, problem.column])).toEqual([[2, 20]]);
    expect(result.spans.length).toBe(56);
    const run = await runTracelint(['stats', 'bad.jsonl'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad.jsonl:2:20: invalid JSON: expected a value');
  });

  it('stats --json: one object per input with the documented fields', async () => {
    const run = await runTracelint(['stats', '--json', path.join(FIXTURES, 'checkout.otlp.json')]);
    const [stats] = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(Object.keys(stats!)).toEqual(['name', 'format', 'bytes', 'compressed', 'spanCount', 'skipped', 'mergedParts', 'traces', 'spans', 'services', 'startTimeUnixNano', 'endTimeUnixNano', 'untimed', 'kinds', 'errors']);
    expect(stats).toMatchObject({ format: 'otlp-json', traces: 2, spans: 14, errors: 0, startTimeUnixNano: '1717243200000000000' });
  });
});
