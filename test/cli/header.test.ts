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
