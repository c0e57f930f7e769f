import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { Chalk, type ChalkInstance } from 'chalk';
import { detectKind, explainB3Multi, explainHeader, HEADER_KINDS, kindOfHeaderName, type ExplainedHeader, type HeaderKind, type SingleHeaderKind } from '../context/detect.js';
import type { HeaderProblem } from '../context/problem.js';
import { parseTraceContext } from '../context/trace-context.js';
import { safeText, terminalSafeJson } from '../render/safe-text.js';
import { useColor } from './color.js';
import { UsageError } from './errors.js';
import type { CliIO, CommandRegistrar } from './run.js';

interface HeaderInput {
  /** Where it came from: `argument 1`, `line 12`. */
  source: string;
  name?: string;
  kind: SingleHeaderKind;
  value: string;
}

interface Explained {
  source: string;
  name?: string;
  text: string;
  header: ExplainedHeader;
  /** For a tracestate given with an invalid traceparent: why a receiver does not parse it. */
  ignoredByReceiver?: string;
}

/** Header names a log line may hold, followed by ':' or '=' and the value. */
const IN_LOG = /(?:^|[\s"'{,;])(traceparent|tracestate|baggage|b3|uber-trace-id|x-amzn-trace-id|x-b3-(?:traceid|spanid|parentspanid|sampled|flags))["']?\s*[:=]\s*["']?([^"'\r\n]*)/i;
const HEADER_LINE = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*:\s?(.*)$/;

/** `tracelint header`: validate and explain trace-context header strings. */
export const registerHeader: CommandRegistrar = (program: Command, io, exit) => {
  program
    .command('header')
    .description('validate and explain traceparent, tracestate, baggage, b3, uber-trace-id and X-Amzn-Trace-Id values')
    .argument('[values...]', "header values or whole header lines ('traceparent: 00-…')")
    .addOption(new Option('--kind <kind>', 'read every value as this kind instead of detecting it').choices(HEADER_KINDS.filter((kind) => kind !== 'b3-multi')))
    .option('--stdin', 'read one header (or a log line holding one) per line from standard input')
    .option('--file <file>', 'read one header (or a log line holding one) per line from a file')
    .option('--json', 'print JSON for machines')
    .option('--color', 'force colour')
    .option('--no-color', 'never colour')
    .action(async (values: string[], options: { kind?: SingleHeaderKind; stdin?: boolean; file?: string; json?: boolean; color?: boolean }) => {
      const lines = options.stdin ? await readAll(io.stdin) : options.file ? await readFile(path.resolve(io.cwd, options.file), 'utf8').catch(() => {
        throw new UsageError(`${options.file}: cannot read the file`);
      }) : undefined;
      if (values.length === 0 && lines === undefined) throw new UsageError('give header values, or --stdin / --file with one per line');
      const { inputs, b3Fields, skipped } = lines === undefined ? fromArguments(values, options.kind) : fromLog(lines, options.kind);
      const explained: Explained[] = inputs.map((input) => ({ source: input.source, ...(input.name ? { name: input.name } : {}), text: parsedText(input.kind, input.value), header: explainHeader(input.kind, input.value) }));
      if (Object.keys(b3Fields).length > 0) explained.push({ source: 'X-B3-* fields', name: 'X-B3-*', text: Object.entries(b3Fields).map(([k, v]) => `${k}: ${v}`).join(', '), header: explainB3Multi(b3Fields) });
      if (lines === undefined) markIgnoredTracestates(explained);
      if (explained.length === 0) throw new UsageError(lines === undefined ? 'no trace header found in the arguments' : `no trace header found (${skipped} line${skipped === 1 ? '' : 's'} skipped)`);
      if (options.json) io.stdout.write(`${terminalSafeJson({ headers: explained.map(toJson), skippedLines: skipped }, jsonReplacer, 2)}\n`);
      else {
        const c = new Chalk({ level: useColor(io.stdout, io.env, options.color) ? 1 : 0 });
        io.stdout.write(explained.map((entry) => render(entry, c)).join('\n'));
        if (skipped > 0) io.stdout.write(`${skipped} line${skipped === 1 ? '' : 's'} without a trace header skipped\n`);
      }
      exit(explained.every((entry) => entry.header.result.valid) ? 0 : 1);
    });
};

/**
 * Arguments given together are one request's headers. With one traceparent, a
 * receiver parses a tracestate only when that traceparent is valid (W3C Trace
 * Context §3.3); when it is not, the tracestate is explained all the same, with
 * a note that a receiver would ignore it.
 */
function markIgnoredTracestates(explained: Explained[]): void {
  const parents = explained.filter((entry) => entry.header.kind === 'traceparent');
  if (parents.length !== 1) return;
  for (const entry of explained) {
    if (entry.header.kind !== 'tracestate') continue;
    const ignored = parseTraceContext(parents[0]!.text, entry.text).tracestateIgnored;
    if (ignored) entry.ignoredByReceiver = ignored;
  }
}

function parsedText(kind: HeaderKind, value: string): string {
  return kind === 'tracestate' || kind === 'baggage' ? value : value.trim();
}

function fromArguments(values: string[], forced?: SingleHeaderKind): { inputs: HeaderInput[]; b3Fields: Record<string, string>; skipped: number } {
  const inputs: HeaderInput[] = [];
  const b3Fields: Record<string, string> = {};
  values.forEach((raw, index) => {
    const source = `argument ${index + 1}`;
    const line = HEADER_LINE.exec(raw);
    const namedKind = line ? kindOfHeaderName(line[1]!) : undefined;
    if (line && namedKind === 'b3-multi') {
      b3Fields[line[1]!] = line[2]!;
      return;
    }
    if (line && namedKind) {
      inputs.push({ source, name: line[1]!, kind: forced ?? (namedKind as SingleHeaderKind), value: line[2]! });
      return;
    }
    const kind = forced ?? detectKind(raw);
    if (!kind) throw new UsageError(`${source}: '${safeText(raw.slice(0, 60))}' does not look like a trace header; name it ('traceparent: …') or use --kind`);
    inputs.push({ source, kind: kind as SingleHeaderKind, value: raw });
  });
  return { inputs, b3Fields, skipped: 0 };
}

/** A log dump: each line holding a known header name and value yields one input; others are skipped. */
function fromLog(text: string, forced?: SingleHeaderKind): { inputs: HeaderInput[]; b3Fields: Record<string, string>; skipped: number } {
  const inputs: HeaderInput[] = [];
  const b3Fields: Record<string, string> = {};
  let skipped = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const source = `line ${index + 1}`;
    const found = IN_LOG.exec(line);
    const namedKind = found ? kindOfHeaderName(found[1]!) : undefined;
    if (found && namedKind === 'b3-multi') b3Fields[found[1]!] = found[2]!.trim();
    else if (found && namedKind) inputs.push({ source, name: found[1]!, kind: forced ?? (namedKind as SingleHeaderKind), value: found[2]!.trim() });
    else if (forced || detectKind(line)) inputs.push({ source, kind: (forced ?? detectKind(line)) as SingleHeaderKind, value: line.trim() });
    else skipped++;
  });
  return { inputs, b3Fields, skipped };
}

function render(entry: Explained, c: ChalkInstance): string {
  const { header } = entry;
  const status = header.result.valid ? c.green('VALID') : c.red.bold('INVALID');
  const lines = [`${c.bold(header.kind)} ${status}  ${c.dim(safeText(entry.source))}`];
  const errors = header.result.problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0) lines.push(...caret(entry.text, errors[0]!, c));
  for (const problem of errors.slice(1)) lines.push(`  ${c.red('also:')} ${describeProblem(problem)}`);
  if (header.result.valid || header.kind === 'tracestate' || header.kind === 'baggage') lines.push(...fields(header, c));
  for (const problem of header.result.problems.filter((p) => p.severity === 'note')) lines.push(`  ${c.yellow('note:')} ${describeProblem(problem)}`);
  if (entry.ignoredByReceiver) lines.push(`  ${c.yellow('note:')} a receiver does not parse this tracestate: the ${entry.ignoredByReceiver}`);
  return `${lines.join('\n')}\n`;
}

/** The value with a caret under the first wrong character; control characters shown escaped, caret still aligned. */
function caret(text: string, problem: HeaderProblem, c: ChalkInstance): string[] {
  let shown = '';
  let caretColumn = -1;
  for (let i = 0; i < text.length; i++) {
    if (i === problem.offset) caretColumn = shown.length;
    shown += safeText(text[i]!);
  }
  if (caretColumn === -1) caretColumn = shown.length;
  return [`  ${shown}`, `  ${' '.repeat(caretColumn)}${c.red('^')}`, `  at character ${problem.offset + 1}: ${describeProblem(problem)}`];
}

function describeProblem(problem: HeaderProblem): string {
  return `expected ${problem.expected}, found ${safeText(problem.found)} (${problem.section})`;
}

function fields(header: ExplainedHeader, c: ChalkInstance): string[] {
  const value = header.result.value;
  if (value === undefined) return [];
  const row = (name: string, text: string): string => `  ${c.dim(name.padEnd(13))}${safeText(text)}`;
  switch (header.kind) {
    case 'traceparent': {
      const tp = header.result.value!;
      const flags = [tp.flags.sampled ? 'sampled' : 'not sampled', ...(tp.flags.random ? ['random trace id'] : [])].join(', ');
      return [row('version', tp.version), row('trace-id', tp.traceId), row('parent-id', tp.parentId), row('trace-flags', `${tp.flags.hex} (${flags})`), ...(tp.extra !== undefined ? [row('extra', tp.extra)] : [])];
    }
    case 'tracestate': {
      const members = header.result.value!;
      if (members.length === 0) return [row('members', 'none')];
      const table = new Table({ head: ['key', 'tenant', 'system', 'value'], style: { head: [], border: [] } });
      for (const member of members) table.push([safeText(member.key), safeText(member.tenant ?? ''), safeText(member.system ?? ''), safeText(member.value)]);
      return table.toString().split('\n').map((line) => `  ${line}`);
    }
    case 'baggage': {
      const members = header.result.value!;
      if (members.length === 0) return [row('members', 'none')];
      const table = new Table({ head: ['key', 'value (decoded)', 'properties'], style: { head: [], border: [] } });
      for (const member of members) table.push([safeText(member.key), safeText(member.value), safeText(member.properties.map((p) => (p.value === undefined ? p.key : `${p.key}=${p.value}`)).join('; '))]);
      return table.toString().split('\n').map((line) => `  ${line}`);
    }
    default: {
      const ctx = header.result.value!;
      return [
        ...(ctx.traceId ? [row('trace-id', ctx.traceId)] : []),
        ...(ctx.spanId ? [row('span-id', ctx.spanId)] : []),
        ...(ctx.parentSpanId ? [row('parent-id', ctx.parentSpanId)] : []),
        row('sampled', ctx.sampled === undefined ? 'deferred' : String(ctx.sampled)),
        ...(ctx.debug ? [row('debug', 'true')] : []),
        ...(ctx.traceparent ? [row('traceparent', ctx.traceparent)] : []),
      ];
    }
  }
}

function toJson(entry: Explained): Record<string, unknown> {
  const { source, name, text, header, ignoredByReceiver } = entry;
  return { source, name: name ?? null, kind: header.kind, value: text, valid: header.result.valid, fields: header.result.value ?? null, problems: header.result.problems, ...(ignoredByReceiver ? { ignoredByReceiver } : {}) };
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

async function readAll(stream: CliIO['stdin']): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
