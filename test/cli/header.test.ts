import { describe, expect, it } from 'vitest';
import { runTracelint } from '../support/cli.js';

const OK = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('tracelint header', () => {
  it('explains a valid traceparent and exits 0', async () => {
    const run = await runTracelint(['header', OK]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('traceparent VALID');
    expect(run.stdout).toMatch(/trace-flags\s+01 \(sampled\)/);
  });

  it('puts a caret under the first wrong character and exits 1', async () => {
    const bad = OK.replace('4736', '473G');
    const run = await runTracelint(['header', `traceparent: ${bad}`]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    const valueLine = lines.findIndex((line) => line.includes(bad));
    expect(lines[valueLine + 1]!.indexOf('^') - 2).toBe(bad.indexOf('G'));
    expect(run.stdout).toContain("at character 35: expected a lowercase hex digit in trace-id, found 'G' (W3C Trace Context §3.2.2.3 trace-id)");
  });

  it('shows control characters escaped, with the caret still aligned', async () => {
    const hostile = `00-4bf92f3577b34da6a3ce929d0e0e4736\u001b[2J-00f067aa0ba902b7-01`;
    const run = await runTracelint(['header', '--kind', 'traceparent', hostile]);
    expect(run.stdout).not.toContain('\u001b');
    const lines = run.stdout.split('\n');
    const valueLine = lines.findIndex((line) => line.includes('\\x1b[2J'));
    expect(lines[valueLine + 1]!.indexOf('^')).toBe(lines[valueLine]!.indexOf('\\x1b'));
  });

  it('tracestate members as a table; baggage decoded', async () => {
    const run = await runTracelint(['header', 'tracestate: rojo=00f067aa0ba902b7,fw529a3039@dt=CAES', 'baggage: user=al%20ice;ttl=3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/fw529a3039@dt\s*│ fw529a3039 │ dt/);
    expect(run.stdout).toMatch(/user\s*│ al ice\s*│ ttl=3/);
  });

  it.each([
    ['an invalid traceparent: a receiver ignores the tracestate (§3.3)', `ff-${OK.slice(3)}`, true],
    ['a valid traceparent: nothing to say', OK, false],
  ])('a tracestate given with %s', async (_name, traceparent, ignored) => {
    const args = ['header', `traceparent: ${traceparent}`, 'tracestate: rojo=1'];
    const text = await runTracelint(args);
    expect(text.stdout.includes('note: a receiver does not parse this tracestate: the traceparent is invalid (W3C Trace Context §3.3)')).toBe(ignored);
    const json = JSON.parse((await runTracelint([...args, '--json'])).stdout) as { headers: Array<{ kind: string; valid: boolean; ignoredByReceiver?: string }> };
    const tracestate = json.headers.find((header) => header.kind === 'tracestate')!;
    expect(tracestate.valid).toBe(true);
    expect(tracestate.ignoredByReceiver).toBe(ignored ? 'traceparent is invalid (W3C Trace Context §3.3)' : undefined);
  });

  it('reads a log dump from stdin: headers found and counted, other lines skipped', async () => {
    const log = [
      '2024-06-01T12:00:00Z GET /cart 200 traceparent=' + OK,
      'nothing to see here',
      '{"headers":{"b3":"463ac35c9f6413ad-a2fb4a1d1a96d312-1"}}',
      'X-B3-TraceId: 80f198ee56343ba864fe8b2a57d3eff7',
      'X-B3-SpanId: e457b5a2e4d86bd1',
      'X-B3-Sampled: 1',
    ].join('\n');
    const run = await runTracelint(['header', '--stdin', '--json'], { stdin: log });
    const report = JSON.parse(run.stdout) as { headers: Array<{ kind: string; valid: boolean; fields: { traceparent?: string } }>; skippedLines: number };
    expect(report.headers.map((h) => [h.kind, h.valid])).toEqual([['traceparent', true], ['b3', true], ['b3-multi', true]]);
    expect(report.headers[2]!.fields.traceparent).toBe('00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01');
    expect(report.skippedLines).toBe(1);
    expect(run.code).toBe(0);
  });

  it('a malformed escape in uber-trace-id is a problem under a caret, not an internal error', async () => {
    const run = await runTracelint(['header', 'uber-trace-id: 2a%3A3b%3A0%3A%ZZ']);
    expect([run.code, run.stderr]).toEqual([1, '']);
    const lines = run.stdout.split('\n');
    expect(lines[2]!.indexOf('^')).toBe(lines[1]!.indexOf('%ZZ'));
    expect(lines[3]).toBe("  at character 15: expected '%' followed by two hex digits (the value is URL-encoded), found '%' (Jaeger client libraries, Propagation Format: uber-trace-id)");
  });

  describe('tracestate keys only Level 2 allows', () => {
    const args = ['header', 'tracestate: foo@=1,bar=2,1special=3'];

    it('are valid under Level 2 (the default) with a warning under a caret at each, exit 0', async () => {
      const run = await runTracelint(args);
      expect(run.code).toBe(0);
      const lines = run.stdout.split('\n');
      expect(lines[0]).toBe('tracestate VALID  argument 1');
      expect(lines[1]).toBe('  foo@=1,bar=2,1special=3');
      expect(lines[2]).toBe(`  ${' '.repeat(4)}^${' '.repeat(8)}^`);
      expect(lines[3]).toBe(
        "  warning at character 5: expected a system id after '@' under Level 1 (Level 2's key rule allows this key, but receivers that follow Level 1, such as the OpenTelemetry SDKs, drop it), found '=' (W3C Trace Context Level 1 §3.3.1.3.1 Key; W3C Trace Context Level 2 §3.3.2.2.1 Key)",
      );
      expect(lines[4]).toMatch(/^ {2}warning at character 14: expected a key starting with a lowercase letter under Level 1 /);
      // The members are all kept.
      expect(run.stdout).toMatch(/foo@ +│/);
      expect(run.stdout).toMatch(/1special +│/);
    });

    it('are invalid with --level 1, exit 1', async () => {
      const run = await runTracelint([...args.slice(0, 1), '--level', '1', ...args.slice(1)]);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain("  at character 5: expected a system id after '@', found '=' (W3C Trace Context Level 1 §3.3.1.3.1 Key)");
      expect(run.stdout).toContain('  also at character 14: expected a key starting with a lowercase letter, found');
      expect(run.stdout).not.toMatch(/foo@ +│/);
    });

    it.each([
      [[], 2, true, 'warning'],
      [['--level', '1'], 1, false, 'error'],
    ] as const)('--json %j: the level, the verdict and each problem with its severity', async (flags, level, valid, severity) => {
      const run = await runTracelint([...args.slice(0, 1), '--json', ...flags, ...args.slice(1)]);
      const report = JSON.parse(run.stdout) as { level: number; headers: Array<{ valid: boolean; problems: Array<{ severity: string; offset: number }> }> };
      expect(report.level).toBe(level);
      expect(report.headers[0]!.valid).toBe(valid);
      expect(report.headers[0]!.problems.map((problem) => [problem.severity, problem.offset])).toEqual([
        [severity, 4],
        [severity, 13],
      ]);
      expect(run.code).toBe(valid ? 0 : 1);
    });

    it('--level accepts 1 or 2 only', async () => {
      expect((await runTracelint([...args.slice(0, 1), '--level', '3', ...args.slice(1)])).code).toBe(2);
    });
  });

  it('carets are coloured by severity: red for an error, yellow for a warning, cyan for a note', async () => {
    const tracestate = await runTracelint(['header', '--color', 'tracestate: Rojo=1,foo@=1']);
    expect(tracestate.stdout.split('\n')[2]).toBe('  \u001b[31m^\u001b[39m          \u001b[33m^\u001b[39m');
    const baggage = await runTracelint(['header', '--color', 'baggage: k=aa%ffcc']);
    expect(baggage.stdout.split('\n')[2]).toBe('      \u001b[36m^\u001b[39m');
  });

  it('baggage: bytes that are not UTF-8 are replaced with U+FFFD and noted under a caret; valid', async () => {
    const run = await runTracelint(['header', 'baggage: k=aa%ffcc;p=val%252%2C']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[2]!.indexOf('^')).toBe(lines[1]!.indexOf('%ff'));
    expect(lines[3]).toBe('  note at character 5: expected UTF-8; a decoder MUST replace sequences that are not with U+FFFD, as done in the decoded value, found percent-encoded bytes that are not UTF-8 (W3C Baggage §3.3.1.3 value (baggage-octet, percent-encoding))');
    expect(run.stdout).toMatch(/│ k\s+│ aa\uFFFDcc\s+│ p=val%2,\s+│/);
  });

  it('baggage over 64 members: a warning that receivers may drop members, exit 0', async () => {
    const run = await runTracelint(['header', '--kind', 'baggage', Array.from({ length: 70 }, (_, i) => `k${i}=v`).join(',')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ {2}warning at character \d+: expected at most 64 list-members for all of them to be sure to arrive: a platform MUST propagate 64 and MAY drop list-members beyond that, found 70 list-members \(W3C Baggage §3\.3\.2 Limits\)/);
  });

  it.each([
    ['X-B3-Sampled: 0', 'false'],
    ['X-B3-Flags: 1', 'true'],
  ])('B3 sampling state alone (%s) is valid, exit 0', async (line, sampled) => {
    const run = await runTracelint(['header', line]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`b3-multi VALID[^\n]*\n {2}sampled +${sampled}`));
  });

  it('B3 multiple headers: each field with problems shown with its caret; a missing field named', async () => {
    const run = await runTracelint(['header', 'X-B3-TraceId: 463ac35c9f6413ad', 'X-B3-ParentSpanId: 05e3ac9a4f6e3b9']);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines.slice(1)).toEqual([
      '  in X-B3-SpanId: expected X-B3-SpanId: 16 lowercase hex digits, required unless only a sampling state is sent, found no X-B3-SpanId header (openzipkin/b3-propagation "Multiple Headers")',
      '  X-B3-ParentSpanId: 05e3ac9a4f6e3b9',
      `  ${' '.repeat('X-B3-ParentSpanId: 05e3ac9a4f6e3b9'.length)}^`,
      '  also in X-B3-ParentSpanId at character 16: expected X-B3-ParentSpanId: 16 lowercase hex digits, found 15 hex digits (openzipkin/b3-propagation "Multiple Headers")',
      '',
    ]);
  });

  it('usage errors exit 2', async () => {
    expect((await runTracelint(['header'])).code).toBe(2);
    const unknown = await runTracelint(['header', 'hello world']);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining('does not look like a trace header')]);
    expect((await runTracelint(['header', '--kind', 'nope', OK])).code).toBe(2);
  });

  it.each(['constructor: abc', 'toString: x', '__proto__: y', 'hasOwnProperty: 1'])('a header line named after an Object.prototype key (%s) is no trace header, not an internal error', async (line) => {
    const run = await runTracelint(['header', line]);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('does not look like a trace header')]);
    expect(run.stderr).not.toContain('internal error');
  });
});
