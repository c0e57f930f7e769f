import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runReceive } from '../support/receiver.js';

/** Two SDK-instrumented HTTP services and a client, exporting over OTLP/HTTP to the receiver. */
const SERVICE = fileURLToPath(new URL('../support/shop-service.mjs', import.meta.url));
const NODE = process.execPath;

const SPECS = `type: Test
spec:
  name: checkout
  traces: span[name="GET /checkout"]
  specs:
    - name: checkout answers 200
      selector: span[service.name="frontend" name="GET /checkout"]
      assertions:
        - attr:http.response.status_code = 200
    - name: checkout reaches payment in the same trace
      selector: span[service.name="frontend"] span[service.name="payment"]
      assertions:
        - attr:tracetest.selected_spans.count >= 1
        - attr:http.response.status_code = 200
`;

function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracelint-receive-expect-'));
  writeFileSync(path.join(dir, 'checkout.yaml'), SPECS);
  return dir;
}

describe('tracelint receive --expect -- <an instrumented service>', () => {
  it('a healthy run: every spec passes, exit 0', async () => {
    const { code, stdout, stderr } = await runReceive(['--expect', 'checkout.yaml', '--', NODE, SERVICE, 'healthy'], { cwd: workspace(), env: process.env }).run;
    expect(stderr).toContain('checkout answered 200\n');
    expect(stderr).toContain('with 3 span(s)\n');
    expect(stdout).toBe('✔ no problems in 1 trace, 3 spans; expectations: 2 passed\n');
    expect(code).toBe(0);
  });

  it('propagation broken between frontend and payment: the spec fails, named, though the request succeeded and no lint rule objects', async () => {
    const { code, stdout, stderr } = await runReceive(['--expect', 'checkout.yaml', '--reporter', 'json', '--', NODE, SERVICE, 'broken'], { cwd: workspace(), env: process.env }).run;
    expect(stderr).toContain('checkout answered 200\n');
    const report = JSON.parse(stdout) as { summary: { traces: number; expectations: unknown }; diagnostics: Array<{ ruleId: string; message: string; location: unknown }>; expectations: Array<{ name: string; status: string }> };
    // payment's span starts a trace of its own: two traces, and the spec file applies to checkout's.
    expect(report.summary.traces).toBe(2);
    expect(report.diagnostics.map((d) => [d.ruleId, d.message])).toEqual([
      ['expectation', 'spec "checkout reaches payment in the same trace" span[service.name="frontend"] span[service.name="payment"]: attr:tracetest.selected_spans.count >= 1: found 0'],
      ['expectation', 'spec "checkout reaches payment in the same trace" span[service.name="frontend"] span[service.name="payment"]: attr:http.response.status_code = 200: no span matched'],
    ]);
    expect(report.diagnostics[0]!.location).toEqual({ file: 'checkout.yaml', format: 'spec', line: 13, column: 11 });
    expect(report.expectations.map((e) => [e.name, e.status])).toEqual([
      ['checkout answers 200', 'passed'],
      ['checkout reaches payment in the same trace', 'failed'],
    ]);
    expect(report.summary.expectations).toEqual({ passed: 1, failed: 1, skipped: 0 });
    expect(code).toBe(1);
  });
});
