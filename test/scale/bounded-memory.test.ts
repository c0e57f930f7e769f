import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/**
 * Padding costs nothing kept: hundreds of megabytes of whitespace are read by
 * the built CLI in a process whose JavaScript heap is 32 MB. Before, the
 * 600 MB document of the issue ran V8 out of memory (exit 134 after 4 GB) and
 * a padded JSON line out of string length. The inputs are gzip members one
 * after another (a gzip stream may be several), so 600 MB is 600 KB to make.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = path.join(ROOT, 'bin', 'tracelint.js');
const dir = mkdtempSync(path.join(tmpdir(), 'tracelint-bounded-'));
const HEAP = '--max-old-space-size=32';
const MiB = 1 << 20;

/** gzip of head, then `mib` MiB of `fill`, then tail. */
function padded(parts: Array<string | [fill: string, mib: number]>): Buffer {
  const members = new Map<string, Buffer>();
  const out: Buffer[] = [];
  for (const part of parts) {
    if (typeof part === 'string') out.push(gzipSync(part));
    else {
      const [fill, mib] = part;
      const member = members.get(fill) ?? gzipSync(fill.repeat(MiB / fill.length));
      members.set(fill, member);
      for (let i = 0; i < mib; i++) out.push(member);
    }
  }
  return Buffer.concat(out);
}

interface Ran {
  code: number | string | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], stdin?: Buffer, heap = HEAP): Promise<Ran> {
  const child = spawn(process.execPath, [heap, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.on('error', () => {}); // a child that stops early closes its stdin
  child.stdin.end(stdin);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code: code ?? signal, stdout, stderr })));
}

const TID = '4bf92f3577b34da6a3ce929d0e0e4736';
const record = (n: number): string =>
  JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ spans: [{ traceId: TID, spanId: n.toString(16).padStart(16, '0'), name: `op ${n}`, kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000' }] }] }] });

/** JSON lines with every kind of padding: after a record, blank lines, a line of spaces, before a record; 256 MB in all. */
const paddedLines = (): Buffer => padded([record(1), [' ', 64], `\n${record(2)}\n`, ['\n', 64], [' ', 64], `\n`, ['\t', 64], `${record(3)}\n`]);

/** Spans read, from `stats --json`. */
const spansOf = (ran: Ran): number => (JSON.parse(ran.stdout) as Array<{ spans: number }>)[0]!.spans;

describe.concurrent('padding costs nothing kept (a 32 MB heap)', () => {
  it("the issue's document: {\"resourceSpans\":[] then 600 MB of spaces then }, gzipped, on stdin", async () => {
    const ran = await run([CLI, 'stats', '-', '--json'], padded(['{"resourceSpans":[]', [' ', 600], '}']));
    expect(ran.stderr).toBe('');
    expect([ran.code, spansOf(ran)]).toEqual([0, 0]);
  }, 120_000);

  it('JSON lines padded every way, 256 MB, on stdin', async () => {
    const ran = await run([CLI, 'stats', '-', '--json'], paddedLines());
    expect(ran.stderr).toBe('');
    expect([ran.code, spansOf(ran)]).toEqual([0, 3]);
  }, 120_000);

  it('the same two read by the reader worker', async () => {
    const document = path.join(dir, 'padded.json.gz');
    writeFileSync(document, padded(['{"resourceSpans":[', record(1).slice(18, -2), ',', ['\n', 128], record(2).slice(18, -2), [' ', 128], ']}']));
    const lines = path.join(dir, 'padded.jsonl.gz');
    writeFileSync(lines, paddedLines());
    const ran = await run([path.join(ROOT, 'test', 'support', 'read-with-worker.mjs'), document, lines]);
    expect(ran.stderr).toBe('');
    expect([ran.code, ran.stdout]).toEqual([0, '2 0\n3 0\n']);
  }, 120_000);

  it('a 300 MB string outside the span arrays is an input error at the string (exit 2), not an abort', async () => {
    // What is held is bounded, not nothing: the first line while the format is decided (64 Mi characters), then the envelope's.
    const ran = await run([CLI, 'check', '-'], padded(['{"resourceSpans":[],\n"x":"', ['a', 300], '"}']), '--max-old-space-size=256');
    expect([ran.code, ran.stderr]).toEqual([2, expect.stringMatching(/^tracelint: <stdin>:2:5: expected at most 67108864 characters outside the span arrays .* found more with this string/)]);
  }, 120_000);
});
