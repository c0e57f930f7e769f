import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { Chalk, type ChalkInstance } from 'chalk';
import { detectKind, explainB3Multi, explainHeader, HEADER_KINDS, kindOfHeaderName, type ExplainedHeader, type HeaderKind, type SingleHeaderKind } from '../context/detect.js';
import type { HeaderProblem, HeaderSeverity } from '../context/problem.js';
import { parseTraceContext } from '../context/trace-context.js';
import type { TraceContextLevel } from '../context/tracestate.js';
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

export interface Explained {
  source: string;
  name?: string;
  text: string;
  header: ExplainedHeader;
  /** For X-B3-*: each field's value, which its problems' offsets are in. */
  fields?: Record<string, string>;
  /** For a tracestate given with an invalid traceparent: why a receiver does not parse it. */
  ignoredByReceiver?: string;
}

/** Header names a log line may hold, followed by ':' or '=' and the value. */
const IN_LOG = /(?:^|[\s"'{,;])(traceparent|tracestate|baggage|b3|uber-trace-id|x-amzn-trace-id|x-b3-(?:traceid|spanid|parentspanid|sampled|flags))["']?\s*[:=]\s*["']?([^"'\r\n]*)/i;
const HEADER_LINE = /^\s*([A-Za-z][A-Za-z0-9-]*)\s*:\s?(.*)$/;

export interface HeaderOptions {
  kind?: SingleHeaderKind;
  /** The W3C Trace Context level whose tracestate grammar gives the verdict. */
  level: TraceContextLevel;
}

/** What the command found: the headers explained and the log lines without one. */
export interface HeaderReport {
  explained: Explained[];
  skipped: number;
  level: TraceContextLevel;
}

/** `tracelint header`: validate and explain trace-context header strings. */
export const registerHeader: CommandRegistrar = (program: Command, io, exit) => {
  program
    .command('header')
    .description('validate and explain traceparent, tracestate, baggage, b3, uber-trace-id and X-Amzn-Trace-Id values')
    .argument('[values...]', "header values or whole header lines ('traceparent: 00-…')")
    .addOption(new Option('--kind <kind>', 'read every value as this kind instead of detecting it').choices(HEADER_KINDS.filter((kind) => kind !== 'b3-multi')))
    .addOption(new Option('--level <level>', 'the W3C Trace Context level whose tracestate key grammar gives the verdict (under 2, keys only Level 2 allows are valid with a warning)').choices(['1', '2']).default('2'))
    .option('--stdin', 'read one header (or a log line holding one) per line from standard input')
    .option('--file <file>', 'read one header (or a log line holding one) per line from a file')
    .option('--json', 'print JSON for machines')
    .option('--color', 'force colour')
    .option('--no-color', 'never colour')
    .action(async (values: string[], options: { kind?: SingleHeaderKind; level: '1' | '2'; stdin?: boolean; file?: string; json?: boolean; color?: boolean }) => {
      const lines = options.stdin ? await readAll(io.stdin) : options.file ? await readFile(path.resolve(io.cwd, options.file), 'utf8').catch(() => {
        throw new UsageError(`${options.file}: cannot read the file`);
      }) : undefined;
      if (values.length === 0 && lines === undefined) throw new UsageError('give header values, or --stdin / --file with one per line');
      const headerOptions: HeaderOptions = { ...(options.kind ? { kind: options.kind } : {}), level: options.level === '1' ? 1 : 2 };
      const report = lines === undefined ? explainArguments(values, headerOptions) : explainLog(lines, headerOptions);
      if (options.json) io.stdout.write(`${headersJson(report)}\n`);
      else io.stdout.write(renderHeaders(report, new Chalk({ level: useColor(io.stdout, io.env, options.color) ? 1 : 0 })));
      exit(report.explained.every((entry) => entry.header.result.valid) ? 0 : 1);
    });
};

/**
 * Header values given as arguments, explained. Arguments given together are
 * one request's headers: with one traceparent, a receiver parses a tracestate
 * only when that traceparent is valid (W3C Trace Context §3.3); when it is not,
 * the tracestate is explained all the same, with a note that a receiver would
 * ignore it. Throws UsageError when an argument is no trace header.
 */
export function explainArguments(values: string[], options: HeaderOptions): HeaderReport {
  const report = explain(fromArguments(values, options.kind), options);
  markIgnoredTracestates(report.explained, options);
  if (report.explained.length === 0) throw new UsageError('no trace header found in the arguments');
  return report;
}

/** A log dump explained: each line holding a known header; other lines are skipped and counted. Throws UsageError when none holds one. */
export function explainLog(text: string, options: HeaderOptions): HeaderReport {
  const report = explain(fromLog(text, options.kind), options);
  if (report.explained.length === 0) throw new UsageError(`no trace header found (${report.skipped} line${report.skipped === 1 ? '' : 's'} skipped)`);
  return report;
}

function explain({ inputs, b3Fields, skipped }: { inputs: HeaderInput[]; b3Fields: Record<string, string>; skipped: number }, options: HeaderOptions): HeaderReport {
  const explained: Explained[] = inputs.map((input) => ({ source: input.source, ...(input.name ? { name: input.name } : {}), text: parsedText(input.kind, input.value), header: explainHeader(input.kind, input.value, options) }));
  const b3 = Object.entries(b3Fields);
  if (b3.length > 0) explained.push({ source: 'X-B3-* fields', name: 'X-B3-*', text: b3.map(([k, v]) => `${k}: ${v}`).join(', '), fields: b3Fields, header: explainB3Multi(b3Fields) });
  return { explained, skipped, level: options.level };
}

function markIgnoredTracestates(explained: Explained[], options: HeaderOptions): void {
  const parents = explained.filter((entry) => entry.header.kind === 'traceparent');
  if (parents.length !== 1) return;
  for (const entry of explained) {
    if (entry.header.kind !== 'tracestate') continue;
    const ignored = parseTraceContext(parents[0]!.text, entry.text, options).tracestateIgnored;
    if (ignored) entry.ignoredByReceiver = ignored;
  }
}

/** The report as text: each header's verdict, its problems under carets, then its fields. */
export function renderHeaders(report: HeaderReport, c: ChalkInstance): string {
  const text = report.explained.map((entry) => render(entry, c)).join('\n');
  return report.skipped > 0 ? `${text}${report.skipped} line${report.skipped === 1 ? '' : 's'} without a trace header skipped\n` : text;
}

/** The report as JSON: the same data, every problem with its severity. */
export function headersJson(report: HeaderReport): string {
  return terminalSafeJson({ level: report.level, headers: report.explained.map(toJson), skippedLines: report.skipped }, jsonReplacer, 2);
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
  lines.push(...problemLines(entry, c));
  if (header.result.valid || header.kind === 'tracestate' || header.kind === 'baggage') lines.push(...fields(header, c));
  if (entry.ignoredByReceiver) lines.push(`  ${c.cyan('note:')} a receiver does not parse this tracestate: the ${entry.ignoredByReceiver}`);
  return `${lines.join('\n')}\n`;
}

const SEVERITY_ORDER: Record<HeaderSeverity, number> = { error: 0, warning: 1, note: 2 };

/**
 * Every problem, errors first: the value it is in, shown once with a caret
 * under each problem (coloured by severity), then one line per problem. For
 * X-B3-* each field with problems is shown on its own; a missing field has no
 * value to point into.
 */
function problemLines(entry: Explained, c: ChalkInstance): string[] {
  const problems = [...entry.header.result.problems].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const lines: string[] = [];
  let errorsShown = 0;
  const describe = (problem: HeaderProblem): string => {
    const where = [problem.field === undefined ? '' : `in ${safeText(problem.field)}`, shownValue(entry, problem) === undefined ? '' : `at character ${problem.offset + 1}`].filter(Boolean).join(' ');
    const label = problem.severity === 'error' ? (errorsShown++ === 0 ? '' : c.red('also')) : problem.severity === 'warning' ? c.yellow('warning') : c.cyan('note');
    return `  ${[label, where].filter(Boolean).join(' ')}: ${describeProblem(problem)}`;
  };
  for (const group of groupByValue(entry, problems)) {
    if (group.value !== undefined) lines.push(...carets(group.value, group.problems, c));
    for (const problem of group.problems) lines.push(describe(problem));
  }
  return lines;
}

/** The text a problem's offset is in: the value, or for X-B3-* `name: value` of its field (undefined for a missing field). */
function shownValue(entry: Explained, problem: HeaderProblem): { text: string; shift: number } | undefined {
  if (problem.field === undefined) return { text: entry.text, shift: 0 };
  const value = entry.fields?.[problem.field];
  if (value === undefined) return undefined;
  const prefix = `${problem.field}: `;
  return { text: `${prefix}${value.trim()}`, shift: prefix.length };
}

function groupByValue(entry: Explained, problems: HeaderProblem[]): Array<{ value?: { text: string; shift: number }; problems: HeaderProblem[] }> {
  const groups = new Map<string, { value?: { text: string; shift: number }; problems: HeaderProblem[] }>();
  for (const problem of problems) {
    const key = problem.field ?? '';
    const group = groups.get(key) ?? { value: shownValue(entry, problem), problems: [] };
    group.problems.push(problem);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const MARK: Record<HeaderSeverity, (c: ChalkInstance) => string> = { error: (c) => c.red('^'), warning: (c) => c.yellow('^'), note: (c) => c.cyan('^') };

/** The value (control characters shown escaped) and, under it, a caret at each problem's offset, the most severe where several meet. */
function carets(value: { text: string; shift: number }, problems: HeaderProblem[], c: ChalkInstance): string[] {
  const { text, shift } = value;
  const columns: number[] = [];
  let shown = '';
  for (let i = 0; i < text.length; i++) {
    columns.push(shown.length);
    shown += safeText(text[i]!);
  }
  columns.push(shown.length);
  const marks = new Map<number, HeaderSeverity>();
  for (const problem of problems) {
    const column = columns[Math.min(problem.offset + shift, text.length)]!;
    const previous = marks.get(column);
    if (previous === undefined || SEVERITY_ORDER[problem.severity] < SEVERITY_ORDER[previous]) marks.set(column, problem.severity);
  }
  let line = '';
  let at = 0;
  for (const [column, severity] of [...marks].sort((a, b) => a[0] - b[0])) {
    line += `${' '.repeat(column - at)}${MARK[severity](c)}`;
    at = column + 1;
  }
  return [`  ${shown}`, `  ${line}`];
}

function describeProblem(problem: HeaderProblem): string {
  return `expected ${safeText(problem.expected)}, found ${safeText(problem.found)} (${problem.section})`;
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
