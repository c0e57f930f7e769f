import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/formats/errors.js';
import { decodeText, readTraces } from '../../src/formats/read.js';
import { lint } from '../../src/lint/engine.js';
import { TraceSet } from '../../src/model/trace.js';
import { parseBaggage, parseTracestate } from '../../src/context/index.js';
import { runTracelint, runTraceview } from '../support/cli.js';

/**
 * The cases the hostile-input issue names, each with a test: whatever tracelint
 * is given, it ends with exit 0, 1 or 2 and a clear message, in bounded time and
 * memory, and nothing from the input reaches the terminal raw.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'tracelint-hostile-'));
const TID = '4bf92f3577b34da6a3ce929d0e0e4736';

function otlp(spans: object[], resourceAttributes: object[] = [{ key: 'service.name', value: { stringValue: 'svc' } }]): string {
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ scope: { name: 's' }, spans }] }] });
}

function otlpSpan(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { traceId: TID, spanId: '00f067aa0ba902b7', name: 'op', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000', ...over };
}

function file(name: string, content: string | Buffer): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

async function expectInputError(text: string, pattern: RegExp): Promise<void> {
  const error = await readTraces([file('case.json', text)]).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(pattern);
}

describe('structure', () => {
  it('JSON nested 100k deep is read without overflowing the stack', async () => {
    const deep = `{"resourceSpans":[{"scopeSpans":[{"spans":[${JSON.stringify(otlpSpan()).slice(0, -1)},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}]}]}`;
    const result = await readTraces([file('deep.json', deep)]);
    expect(result.spans).toHaveLength(1);
    const broken = deep.slice(0, -10);
    await expect(readTraces([file('deep-broken.json', broken)])).rejects.toThrow(InputError);
  });

  it('attribute values nested 100k deep are refused with a clear error', async () => {
    let value: object = { stringValue: 'x' };
    for (let i = 0; i < 100_000; i++) value = { arrayValue: { values: [value] } };
    let text: string;
    try {
      text = otlp([otlpSpan({ attributes: [{ key: 'deep', value }] })]);
    } catch {
      // JSON.stringify itself overflows on such depth: build the text by hand.
      text = otlp([otlpSpan({ attributes: [{ key: 'deep', value: { stringValue: 'x' } }] })]).replace('{"stringValue":"x"}', `${'{"arrayValue":{"values":['.repeat(100_000)}{"stringValue":"x"}${']}}'.repeat(100_000)}`);
    }
    await expectInputError(text, /nested at most 32 levels deep/);
  });

  it('a parent chain 100k spans deep and a 100k fan-out go through check and traceview', async () => {
    const chain = Array.from({ length: 100_000 }, (_, i) => otlpSpan({ spanId: (i + 1).toString(16).padStart(16, '0'), ...(i ? { parentSpanId: i.toString(16).padStart(16, '0') } : {}), name: 'step', startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i)), endTimeUnixNano: String(1_700_000_000_100_000_000n - BigInt(i)) }));
    const chainFile = file('chain.json', otlp(chain));
    const check = await runTracelint(['check', chainFile, '--reporter', 'json']);
    expect(check.code).toBe(0);
    const view = await runTraceview([chainFile, '--width', '100', '--depth', '5']);
    expect(view.code).toBe(0);
    const fan = [otlpSpan({ spanId: 'f'.padStart(16, '0') }), ...Array.from({ length: 100_000 }, (_, i) => otlpSpan({ spanId: (i + 1).toString(16).padStart(16, '0'), parentSpanId: 'f'.padStart(16, '0') }))];
    expect((await runTracelint(['check', file('fan.json', otlp(fan)), '--quiet'])).code).toBe(1);
  }, 60_000);

  // Each was quadratic before (a second per 20k spans, minutes at 100k): the trace's index walked
  // a reused id's spans for each child, parent-cycle walked each span under a cycle up to it, and
  // multiple-roots listed every root's service for each root.
  it.each([
    ['100k spans on one span id, each naming it as parent', (i: number) => ({ spanId: 'a'.padStart(16, '0'), ...(i > 0 ? { parentSpanId: 'a'.padStart(16, '0') } : {}) }), ['duplicate-span-id']],
    ['a chain of 100k spans under a parent cycle', (i: number) => ({ spanId: (i + 1).toString(16).padStart(16, '0'), parentSpanId: (i === 0 ? 2 : i).toString(16).padStart(16, '0') }), ['parent-cycle']],
    ['100k roots in one trace', (i: number) => ({ spanId: (i + 1).toString(16).padStart(16, '0') }), ['multiple-roots']],
  ])('%s are checked', (_name, over, rules) => {
    const spans = decodeText(otlp(Array.from({ length: 100_000 }, (_, i) => otlpSpan(over(i)))), 'x.json').spans;
    const result = lint(new TraceSet(spans));
    expect(result.failures).toEqual([]);
    expect(result.diagnostics.map((d) => d.ruleId)).toEqual(expect.arrayContaining(rules));
  });

  it('parent cycles and duplicate ids are findings, not crashes', () => {
    const spans = decodeText(otlp([otlpSpan({ spanId: 'a'.padStart(16, '0'), parentSpanId: 'b'.padStart(16, '0') }), otlpSpan({ spanId: 'b'.padStart(16, '0'), parentSpanId: 'a'.padStart(16, '0') }), otlpSpan({ spanId: 'b'.padStart(16, '0'), parentSpanId: 'a'.padStart(16, '0') })]), 'x.json').spans;
    const result = lint(new TraceSet(spans));
    expect(result.failures).toEqual([]);
    expect(result.diagnostics.map((d) => d.ruleId)).toEqual(expect.arrayContaining(['parent-cycle', 'duplicate-span-id']));
  });
});

describe('size', () => {
  it('a 50 MB attribute value is read and reported within bounded time', async () => {
    const started = Date.now();
    const run = await runTracelint(['check', file('big-value.json', otlp([otlpSpan({ attributes: [{ key: 'payload', value: { stringValue: 'a@'.repeat(25_000_000) } }] })])), '--reporter', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).diagnostics.map((d: { ruleId: string }) => d.ruleId)).toContain('oversized-attribute');
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);

  it('a span with 1M attributes', async () => {
    const attributes = Array.from({ length: 1_000_000 }, (_, i) => ({ key: `k${i}`, value: { intValue: i } }));
    const run = await runTracelint(['check', file('many.json', otlp([otlpSpan({ attributes })])), '--reporter', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).diagnostics.find((d: { ruleId: string }) => d.ruleId === 'attribute-count').data.count).toBe(1_000_000);
  }, 90_000);

  it('an input that fills the heap stops with exit 2 and a message, not a V8 abort', async () => {
    // Spans are kept in columns outside the heap (model/store.ts), their distinct strings in it:
    // 30k spans, each with a value of its own of 1,000 characters, keep more than a 32 MB heap holds.
    const lines = Array.from({ length: 300 }, (_, line) =>
      otlp(
        Array.from({ length: 100 }, (_, i) =>
          otlpSpan({ traceId: (line + 1).toString(16).padStart(32, '0'), spanId: (i + 1).toString(16).padStart(16, '0'), parentSpanId: i === 0 ? '' : '0000000000000001', name: `op-${i}`, attributes: [{ key: 'payload', value: { stringValue: `${line}-${i}-${'x'.repeat(1000)}` } }] }),
        ),
      ),
    );
    const input = file('fills-heap.jsonl', `${lines.join('\n')}\n`);
    const cli = fileURLToPath(new URL('../../bin/tracelint.js', import.meta.url));
    const child = spawn(process.execPath, ['--max-old-space-size=32', cli, 'check', input, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const code = await new Promise((resolve) => child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal)));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^tracelint: .*fills-heap\.jsonl: stopped after \d+ spans: they fill \d+ MB of the 32 MB JavaScript heap, .*--max-old-space-size/);
    expect(stderr).not.toMatch(/FATAL ERROR|\n\s+at /);
  }, 60_000);

  it('a gzip bomb stops at the limit with a message; truncated gzip is named', async () => {
    const bomb = file('bomb.json.gz', gzipSync(Buffer.alloc(200_000_000, 0x20)));
    const run = await runTracelint(['check', bomb, '--max-input-bytes', '50000000']);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('larger than the limit of 50000000 bytes after decompression')]);
    const truncated = await runTracelint(['check', file('t.json.gz', gzipSync(Buffer.from(otlp([otlpSpan()]))).subarray(0, 30))]);
    expect([truncated.code, truncated.stderr]).toEqual([2, expect.stringContaining('invalid gzip data')]);
  }, 60_000);
});

describe('header values', () => {
  // Before their fix these were quadratic: a search for '=' to the end of the text per member
  // (14 s and 28 s at a million members), a duplicate-key scan over every earlier member (72 s at
  // 200k). Linear, each takes under a second.
  const MEMBERS = 1_000_000;
  const distinctKeys = Array.from({ length: MEMBERS }, (_, i) => `k${i}=1`).join(',');
  // One '=' at the very end, for a search per member to run into.
  const withoutEquals = `${'a,'.repeat(MEMBERS)}k=1`;
  it.each([
    ['tracestate, distinct keys', () => parseTracestate(distinctKeys), 2],
    ['tracestate, members without =', () => parseTracestate(withoutEquals), MEMBERS + 1],
    // Each member without '=', then more list-members than the grammar's 180, then the 8192-byte limit.
    ['baggage, members without =', () => parseBaggage(withoutEquals), MEMBERS + 2],
  ])('%s: a million members are explained in bounded time', (_name, parse, problems) => {
    const started = Date.now();
    const parsed = parse();
    expect(parsed.valid).toBe(false);
    expect(parsed.problems).toHaveLength(problems);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('values', () => {
  it.each([
    ['NaN time', otlpSpan({ startTimeUnixNano: 'NaN' }), /expected an unsigned 64-bit integer/],
    ['negative time', otlpSpan({ startTimeUnixNano: -1 }), /expected an unsigned 64-bit integer/],
    ['fractional time', otlpSpan({ startTimeUnixNano: 1.5 }), /expected an unsigned 64-bit integer/],
    ['time beyond 2^64', otlpSpan({ endTimeUnixNano: '18446744073709551616' }), /expected an unsigned 64-bit integer, found the string "18446744073709551616"/],
    ['huge number as a count', otlpSpan({ droppedAttributesCount: 1e300 }), /expected a non-negative integer/],
    ['id of the wrong type', otlpSpan({ spanId: 7 }), /spanId: expected a string, found number 7/],
    ['kind out of range', otlpSpan({ kind: 9 }), /kind: expected one of 0\/SPAN_KIND_UNSPECIFIED/],
  ])('%s is an InputError naming the field and place', async (_name, span, pattern) => {
    await expectInputError(otlp([span]), pattern);
  });

  it('nanosecond times up to 2^64-1 are kept exactly', async () => {
    const result = await readTraces([file('max.json', otlp([otlpSpan({ endTimeUnixNano: '18446744073709551615' })]))]);
    expect(result.spans[0]!.endTimeUnixNano).toBe(18446744073709551615n);
  });

  it('__proto__, constructor and prototype as keys anywhere pollute nothing', async () => {
    const keys = ['__proto__', 'constructor', 'prototype'];
    const attributes = keys.map((key) => ({ key, value: { stringValue: 'polluted' } }));
    const text = otlp([otlpSpan({ attributes, events: [{ timeUnixNano: '1700000000000000001', name: 'e', attributes }] })], attributes).replace('"scope":{"name":"s"}', '"scope":{"name":"s","__proto__":{"polluted":true}}');
    const spans = decodeText(text, 'p.json').spans;
    expect(spans[0]!.attributes['__proto__']).toBe('polluted');
    expect(Object.keys(spans[0]!.attributes)).toEqual(keys);
    // Attribute maps inherit nothing: a missing key is missing, whatever its name.
    for (const inherited of ['toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
      expect(spans[0]!.attributes[inherited]).toBeUndefined();
      expect(inherited in spans[0]!.attributes).toBe(false);
    }
    const jaeger = JSON.stringify({ data: [{ traceID: 'a1', spans: [{ traceID: 'a1', spanID: 'b1', operationName: 'op', startTime: 1700000000000000, duration: 1, processID: '__proto__', tags: [{ key: '__proto__', type: 'string', value: 'x' }] }], processes: { __proto__: { serviceName: 'evil', tags: [] } } }] });
    decodeText(jaeger, 'j.json');
    const zipkin = JSON.stringify([{ traceId: 'a1', id: 'b1', tags: JSON.parse('{"__proto__":"x","constructor":"y"}') }]);
    decodeText(zipkin, 'z.json');
    const config = file('tracelint.config.json', '{"rules":{"__proto__":"off"}}');
    const run = await runTracelint(['check', file('ok.json', otlp([otlpSpan()])), '--config', config]);
    expect(run.code).toBe(2);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>)['0']).toBeUndefined();
  });

  it('a BOM is accepted; UTF-16 and invalid UTF-8 are named', async () => {
    expect((await readTraces([file('bom.json', `\ufeff${otlp([otlpSpan()])}`)])).spans).toHaveLength(1);
    await expect(readTraces([file('utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(otlp([otlpSpan()]), 'utf16le')]))])).rejects.toThrow('the file is UTF-16');
    await expect(readTraces([file('latin1.json', Buffer.from(otlp([otlpSpan({ name: 'caf\u00e9' })]), 'latin1'))])).rejects.toThrow('invalid UTF-8');
  });

  it('empty files and empty arrays', async () => {
    await expect(readTraces([file('empty.json', '')])).rejects.toThrow(InputError);
    expect((await readTraces([file('zero.json', '[]')])).spans).toEqual([]);
    expect((await readTraces([file('zero-otlp.json', '{"resourceSpans":[]}')])).spans).toEqual([]);
  });

  it('missing files, directories without traces and paths through a file are exit 2 with the path', async () => {
    for (const target of [path.join(dir, 'missing.json'), path.join(dir, 'ok.json', 'inside.json')]) {
      const run = await runTracelint(['check', target]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(target);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    // Permission denied cannot be produced for root, who runs CI here; the same code path maps EACCES (src/formats/read.ts).
  });
});

describe('terminal safety on every output path', () => {
  const EVIL = '\u001b[2J\u001b]0;owned\u0007\r\b\u009b31m\u202eevil\u2066';
  const hostile = file(
    'evil.json',
    otlp(
      [
        otlpSpan({ name: `name${EVIL}`, status: { code: 2, message: `msg${EVIL}` }, attributes: [{ key: `key${EVIL}`, value: { stringValue: `value${EVIL} jane@example.com` } }], events: [{ timeUnixNano: '1700000000000000001', name: `ev${EVIL}` }], parentSpanId: 'aaaaaaaaaaaaaaaa' }),
        otlpSpan({ spanId: '1111111111111111', name: `GET /users/12345${EVIL}`, attributes: [{ key: 'http.method', value: { stringValue: 'GET' } }] }),
      ],
      [{ key: 'service.name', value: { stringValue: `svc${EVIL}` } }],
    ),
  );
  const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  const runs: Array<[string, () => Promise<{ stdout: string; stderr: string }>]> = [
    ...['stylish', 'json', 'sarif', 'junit', 'github'].map((reporter) => [`check --reporter ${reporter}`, () => runTracelint(['check', hostile, '--reporter', reporter])] as [string, () => Promise<{ stdout: string; stderr: string }>]),
    ['check --color', () => runTracelint(['check', hostile, '--color'])],
    ['stats', () => runTracelint(['stats', hostile])],
    ['stats --json', () => runTracelint(['stats', hostile, '--json'])],
    ['traceview', () => runTraceview([hostile, '--width', '120'])],
    ['traceview --span', () => runTraceview([hostile, '--span', '00f067'])],
    ['traceview --summary', () => runTraceview([hostile, '--summary'])],
    ['header', () => runTracelint(['header', '--kind', 'traceparent', `00-${TID}${EVIL}`])],
    ['header --json', () => runTracelint(['header', '--json', '--kind', 'tracestate', `k=${EVIL}`])],
    ['an error message', () => runTracelint(['check', file(`bad${'\u001b[31m'}.json`, '{')])],
  ];
  it.each(runs)('%s', async (_name, run) => {
    const { stdout, stderr } = await run();
    // Colour codes written by tracelint itself start with ESC [ and end in m; nothing else may be raw.
    const withoutOwnColour = stdout.replace(/\u001b\[[0-9;]*m/g, '');
    expect(withoutOwnColour).not.toMatch(RAW);
    expect(stderr).not.toMatch(RAW);
    expect(stdout + stderr).not.toContain('\u001b]0;owned');
  });
});

describe('nothing is lost', () => {
  it('a run killed mid-write leaves the previous output file intact', async () => {
    const target = file('report.json', 'previous report');
    // A child process writes 1.5 GB through the same atomic writer (the built one), and is killed mid-way.
    const writer = fileURLToPath(new URL('../../dist/io/atomic-write.js', import.meta.url));
    const runner = file('writer.mjs', `import { writeFileAtomic } from ${JSON.stringify(writer)};\nawait writeFileAtomic(${JSON.stringify(target)}, Buffer.alloc(1_500_000_000, 120));\n`);
    const child = spawn(process.execPath, [runner], { stdio: 'ignore' });
    // Kill it only once the temporary file exists: the write is under way.
    const writing = () => readdirSync(dir).some((name) => name.startsWith('.tracelint-tmp-report.json'));
    for (let waited = 0; !writing() && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writing()).toBe(true);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(readFileSync(target, 'utf8')).toBe('previous report');
  });
});
