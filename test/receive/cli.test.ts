import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listenAlias } from '../../src/cli/receive.js';
import { parseDuration } from '../../src/receive/stop.js';
import { runTracelint } from '../support/cli.js';
import { runReceive, send, storedSpanIds } from '../support/receiver.js';
import { richTrace, toOtlpJson, toOtlpProto } from '../support/sdk.js';

const EMITTER = fileURLToPath(new URL('../support/emit-spans.mjs', import.meta.url));
const BIN = fileURLToPath(new URL('../../bin/tracelint.js', import.meta.url));
const NODE = process.execPath;

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'tracelint-receive-cli-'));
}

function lines(file: string): Array<Record<string, any>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/** The ids the emitter printed (its stdout goes to receive's stderr). */
function sentIds(stderr: string): string[] {
  const match = /^sent (\[.*\])$/m.exec(stderr);
  expect(match, stderr).not.toBeNull();
  return JSON.parse(match![1]!) as string[];
}

const sdkSpans = await richTrace();

describe('tracelint receive -- <command>', () => {
  it.each(['json', 'proto'])('the %s exporter in the wrapped command: every span stored, linted, exit 1 for the orphan', async (protocol) => {
    const dir = tempDir();
    const { run } = runReceive(['--out', 'traces.jsonl', '--reporter', 'json', '--', NODE, EMITTER, protocol, 'broken'], { cwd: dir, env: process.env });
    const { code, stdout, stderr } = await run;
    expect(code, stderr).toBe(1);
    const sent = sentIds(stderr);
    expect(sent).toHaveLength(41);
    expect(storedSpanIds(lines(path.join(dir, 'traces.jsonl'))).sort()).toEqual([...sent].sort());
    const report = JSON.parse(stdout) as { summary: { inputs: unknown[] }; diagnostics: Array<{ ruleId: string; severity: string; location: { file: string; format: string; line: number } }> };
    expect(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.ruleId)).toEqual(['orphan-span']);
    expect(report.diagnostics[0]!.location).toMatchObject({ file: 'traces.jsonl', format: 'otlp-jsonl', line: 1 });
    expect(report.summary.inputs).toEqual([{ name: 'traces.jsonl', format: 'otlp-jsonl', spans: 41 }]);
    expect(stderr).toContain('tracelint: the command ended: stopped receiving\n');
    expect(stderr).toContain(`tracelint: received 1 request(s) (${protocol === 'proto' ? '1 protobuf, 0 JSON' : '0 protobuf, 1 JSON'}) with 41 span(s)\n`);
    expect(stderr).toContain('tracelint: wrote 1 request(s) to traces.jsonl\n');
  });

  it('--shard-out: each receiver of a load-balanced fleet writes its first stage, and merge reports on them together', async () => {
    const dir = tempDir();
    const { code, stdout, stderr } = await runReceive(['--shard-out', 'shard-a.json', '--', NODE, EMITTER, 'json', 'broken'], { cwd: dir, env: process.env }).run;
    expect(code, stderr).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('wrote the first stage of 41 spans to shard-a.json');
    const merged = await runTracelint(['merge', 'shard-a.json', '--reporter', 'json'], { cwd: dir });
    expect(merged.code).toBe(1);
    const report = JSON.parse(merged.stdout) as { summary: { spans: number }; diagnostics: Array<{ ruleId: string; severity: string }> };
    expect(report.summary.spans).toBe(41);
    expect(report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.ruleId)).toEqual(['orphan-span']);
  });

  it('a failing command makes the exit code 1 even when the lint is clean, and says so', async () => {
    const dir = tempDir();
    const { code, stderr, stdout } = await runReceive(['--', NODE, EMITTER, 'proto', 'healthy', '3'], { cwd: dir, env: process.env }).run;
    expect(stdout).toMatch(/no problems in 20 traces, 40 spans/);
    expect(stderr).toMatch(/tracelint: the command .*emit-spans\.mjs proto healthy 3 exited with code 3; exit code 1 unless the lint says 2\n/);
    expect(code).toBe(1);
  });

  it('a clean lint and a successful command: exit 0, and without --out nothing is left behind', async () => {
    const dir = tempDir();
    const scratch = tempDir();
    const before = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      const { code, stdout } = await runReceive(['--', NODE, EMITTER, 'json', 'healthy'], { cwd: dir, env: process.env }).run;
      expect(stdout).toMatch(/no problems in 20 traces, 40 spans/);
      expect(code).toBe(0);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    expect(readdirSync(scratch)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    [['/no/such/program', '--flag'], 'tracelint: cannot run /no/such/program --flag: spawn /no/such/program ENOENT\n'],
    [[''], "tracelint: cannot run : The argument 'file' cannot be empty. Received ''\n"],
  ])('a command that cannot be started (%j): exit 2 with the reason, and the receiver closed', async (command, message) => {
    const { url, run } = runReceive(['--', ...command], { env: process.env });
    const { code, stderr } = await run;
    expect(stderr).toContain(message);
    expect(code).toBe(2);
    await expect(send(await url, { headers: { 'content-type': 'application/json' }, body: '{}' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('a command must come after --, and receive reads no inputs', async () => {
    const { code, stderr } = await runTracelint(['receive', '--port', '0', 'npm', 'test']);
    expect(stderr).toBe('tracelint: receive (and check --listen) reads no input files; to run a command, put it after --: tracelint receive -- npm test\n');
    expect(code).toBe(2);
    const listen = await runTracelint(['check', '--listen', 'traces.json']);
    expect(listen.stderr).toBe('tracelint: receive (and check --listen) reads no input files; to run a command, put it after --: tracelint receive -- traces.json\n');
    expect(listen.code).toBe(2);
  });
});

describe('tracelint receive --until-idle', () => {
  it('stores what arrives, stops when quiet, and leaves --out the previous file until then', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'traces.jsonl');
    writeFileSync(out, 'previous\n');
    const { url, run } = runReceive(['--out', 'traces.jsonl', '--until-idle', '1s'], { cwd: dir });
    const base = await url;
    expect((await send(base, { headers: { 'content-type': 'application/json' }, body: toOtlpJson(sdkSpans) })).status).toBe(200);
    expect((await send(base, { headers: { 'content-type': 'application/x-protobuf' }, body: toOtlpProto(sdkSpans) })).status).toBe(200);
    expect((await send(base, { path: '/v1/metrics', headers: { 'content-type': 'application/x-protobuf' }, body: 'x' })).status).toBe(404);
    // Still receiving: the target is untouched, the new content sits in a temporary file beside it.
    expect(readFileSync(out, 'utf8')).toBe('previous\n');
    expect(readdirSync(dir).some((name) => name.startsWith('.tracelint-tmp-traces.jsonl-'))).toBe(true);
    const { code, stderr } = await run;
    expect(stderr).toContain('tracelint: no request for 1.00s: stopped receiving\n');
    expect(stderr).toContain(`tracelint: received 2 request(s) (1 protobuf, 1 JSON) with ${2 * sdkSpans.length} span(s)\n`);
    expect(stderr).toContain('tracelint: refused: 1 to another path (404)\n');
    expect(storedSpanIds(lines(out))).toHaveLength(2 * sdkSpans.length);
    expect(readdirSync(dir)).toEqual(['traces.jsonl']);
    // The same spans twice: the lint sees the duplicates, as check would on the stored file.
    const check = await runTracelint(['check', '--format', 'otlp-jsonl', 'traces.jsonl'], { cwd: dir });
    expect(code).toBe(check.code);
  });

  it('receiving nothing: a warning, an empty --out, and exit 0', async () => {
    const dir = tempDir();
    const { code, stderr, stdout } = await runReceive(['--out', 'none.jsonl', '--until-idle', '100ms'], { cwd: dir }).run;
    expect(stderr).toContain('tracelint: warning: no spans were received; is the exporter pointed at this receiver (OTEL_EXPORTER_OTLP_ENDPOINT)?\n');
    expect(stdout).toContain('no problems in 0 traces, 0 spans');
    expect(readFileSync(path.join(dir, 'none.jsonl'), 'utf8')).toBe('');
    expect(code).toBe(0);
  });

  it('check --listen is receive', async () => {
    const { code, stderr } = await runTracelint(['check', '--listen', '--port', '0', '--until-idle', '100ms', '--reporter', 'json']);
    expect(stderr).toMatch(/^tracelint: listening on http:\/\/127\.0\.0\.1:\d+\n/);
    expect(code).toBe(0);
  });
});

describe('options and failures', () => {
  it.each([
    [['--until-idle', 'soon'], 'tracelint: --until-idle soon: expected a duration such as 5s, 500ms or 2m\n'],
    [['--max-in-flight', '0'], 'tracelint: --max-in-flight 0: expected a whole number from 1\n'],
    [['--port', '70000'], 'tracelint: --port 70000: expected a whole number from 0 to 65535\n'],
    [['--rule', 'no-such-rule=error'], /^tracelint: .*no-such-rule/],
    [['--update-baseline'], 'tracelint: --update-baseline needs --baseline <file>\n'],
  ])('%j fails before listening, exit 2', async (args, message) => {
    const { code, stderr } = await runTracelint(['receive', '--port', '0', ...args]);
    expect(code).toBe(2);
    if (typeof message === 'string') expect(stderr).toBe(message);
    else expect(stderr).toMatch(message);
    expect(stderr).not.toContain('listening');
  });

  it('--out in a directory that does not exist: exit 2 before listening', async () => {
    const { code, stderr } = await runTracelint(['receive', '--port', '0', '--out', 'no/such/dir/traces.jsonl'], { cwd: tempDir() });
    expect(stderr).toBe('tracelint: --out no/such/dir/traces.jsonl: cannot write there: its directory does not exist\n');
    expect(code).toBe(2);
  });

  it('a port in use: exit 2, naming the address', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await runTracelint(['receive', '--port', String(port)]);
      expect(stderr).toBe(`tracelint: cannot listen on 127.0.0.1:${port}: the port is in use (a Collector, or another receiver?); choose another with --port\n`);
      expect(code).toBe(2);
    } finally {
      blocker.close();
    }
  });

  it.each([
    ['5s', 5000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['3', 3000],
    ['0s', undefined],
    ['5 s', undefined],
    ['-1s', undefined],
  ])('duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    [['node', 'tracelint', 'check', '--listen', '--port', '0'], ['node', 'tracelint', 'receive', '--port', '0']],
    [['node', 'tracelint', '--debug', 'check', '--out', 'x', '--listen'], ['node', 'tracelint', '--debug', 'receive', '--out', 'x']],
    [['node', 'tracelint', 'check', 'a.json'], ['node', 'tracelint', 'check', 'a.json']],
    [['node', 'tracelint', 'receive', '--', 'tool', '--listen'], ['node', 'tracelint', 'receive', '--', 'tool', '--listen']],
    [['node', 'tracelint', 'check', '--', 'x', '--listen'], ['node', 'tracelint', 'check', '--', 'x', '--listen']],
  ])('alias %j', (argv, expected) => {
    expect(listenAlias(argv)).toEqual(expected);
  });
});

/** The built CLI in its own process, for what only a real process has: signals. */
describe('signals (the built CLI)', () => {
  async function started(args: string[], cwd: string): Promise<{ child: ReturnType<typeof spawn>; url: string; stderr: () => string; done: Promise<{ code: number | null; stdout: string; stderr: string }> }> {
    const child = spawn(NODE, [BIN, 'receive', '--port', '0', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.once('exit', () => reject(new Error(`exited before listening: ${stderr}`)));
    });
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
    return { child, url, stderr: () => stderr, done };
  }

  it.each(['SIGTERM', 'SIGINT'] as const)('%s: stops, stores, lints and exits with the lint code', async (signal) => {
    const dir = tempDir();
    const { child, url, done } = await started(['--out', 'traces.jsonl', '--reporter', 'json'], dir);
    expect((await send(url, { headers: { 'content-type': 'application/x-protobuf' }, body: toOtlpProto(sdkSpans) })).status).toBe(200);
    child.kill(signal);
    const { code, stdout, stderr } = await done;
    expect(stderr).toContain(`tracelint: ${signal}: stopped receiving\n`);
    expect(storedSpanIds(lines(path.join(dir, 'traces.jsonl')))).toHaveLength(sdkSpans.length);
    const check = await runTracelint(['check', '--format', 'otlp-jsonl', 'traces.jsonl', '--reporter', 'json'], { cwd: dir });
    expect(code).toBe(check.code);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(check.stdout));
  });

  it('SIGTERM with a wrapped command: passed on, awaited, reported as the command ending by it', async () => {
    const dir = tempDir();
    const sleeper = path.join(dir, 'sleep.mjs');
    writeFileSync(sleeper, "console.log('ready'); setTimeout(() => {}, 60_000);\n");
    const { child, done, stderr: live } = await started(['--', NODE, sleeper], dir);
    // Once the command runs (its output comes on receive's stderr), stop the receiver.
    while (!live().includes('ready')) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGTERM');
    const { code, stderr } = await done;
    expect(stderr).toContain('tracelint: SIGTERM: stopped receiving\n');
    expect(stderr).toMatch(/tracelint: the command .*sleep\.mjs was ended by SIGTERM; exit code 1 unless the lint says 2\n/);
    expect(code).toBe(1);
  });
});
