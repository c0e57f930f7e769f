import { lostPropagationCalls } from '../analysis/marks.js';
import type { Diagnostic } from '../lint/types.js';
import { serviceOf, type Span } from '../model/span.js';
import { displayTraceId, type Trace, type TraceSet } from '../model/trace.js';
import { safeText } from '../render/safe-text.js';
import { makeTheme } from '../render/theme.js';
import { layoutWaterfall, paintWaterfall, waterfallMarks, type Row } from '../render/waterfall.js';
import { groupByRule, groupByTrace, noticeText, outcomeText, plural, type RuleGroup } from './findings.js';
import { MaskedTraces } from './masked.js';
import { displayPath } from './paths.js';
import { ruleDocsUrl } from './rule-docs.js';
import type { Reporter, ReportInput } from './types.js';

/**
 * Markdown for CI summaries ($GITHUB_STEP_SUMMARY, GitLab, PR comments): the
 * run's totals, the findings by rule with counts and their first occurrences,
 * and a compact text waterfall of each trace with error-level findings.
 *
 * It stays under MARKDOWN_LIMIT_BYTES whatever the input. What is left out,
 * first to last: waterfalls (the last traces first), then occurrences after
 * the first of each rule, then the first occurrences (the last rules first);
 * the report says what it left out. The totals and the table of rules stay.
 */
export const MARKDOWN_LIMIT_BYTES = 1_000_000; // GitHub's step-summary limit is 1 MiB (1,048,576 bytes)

const OCCURRENCES_PER_RULE = 5;
const TRACE_SECTIONS = 20;
const WATERFALL_ROWS = 40;
const WATERFALL_WIDTH = 120;
const INPUTS_LISTED = 20;
const MESSAGE_CHARS = 500;
/** Kept free for the note that says what was left out. */
const NOTE_RESERVE_BYTES = 1024;

interface Block {
  text: string;
  /** Lower is kept first. */
  priority: number;
  /** What it is, for the note when it is left out. */
  kind?: 'waterfall' | 'occurrence';
}

export const markdownReporter: Reporter = (input) => {
  const groups = groupByRule(input.diagnostics);
  const blocks: Block[] = [{ text: head(input), priority: 0 }];
  if (groups.length > 0) {
    blocks.push({ text: rulesTable(groups, input), priority: 0 });
    const shownId = (traceId: string): string => {
      const trace = input.traces?.get(traceId);
      return trace ? displayTraceId(trace) : traceId;
    };
    groups.forEach((group, g) => blocks.push(...occurrenceBlocks(group, g, shownId)));
  }
  if (input.traces) blocks.push(...traceBlocks(input.traces, input.diagnostics));
  return fitToLimit(blocks);
};

function head(input: ReportInput): string {
  const { summary } = input;
  const problems = summary.errors + summary.warnings;
  const verdict =
    problems === 0
      ? '✔ no problems'
      : `${summary.errors > 0 ? '✖' : '⚠'} ${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}`;
  const lines = [`## tracelint: ${verdict}`, ''];
  lines.push(`**${markdownText(outcomeText(summary, input.notices, input.cwd))}**`, '');
  const notes = input.notices.filter((notice) => notice.level === 'note');
  for (const note of notes.slice(0, INPUTS_LISTED)) lines.push(`- note: ${markdownText(clip(noticeText(note, input.cwd), MESSAGE_CHARS))}`);
  if (notes.length > INPUTS_LISTED) lines.push(`- … and ${plural(notes.length - INPUTS_LISTED, 'more note')}`);
  if (notes.length > 0) lines.push('');
  const services = input.traces ? new Set(input.traces.spans().map(serviceOf)).size : undefined;
  lines.push(
    '| traces | spans | services | errors | warnings | in baseline | ignored |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${summary.traces} | ${summary.spans} | ${services ?? '–'} | ${summary.errors} | ${summary.warnings} | ${summary.baselined} | ${summary.ignored} |`,
    '',
    '| input | format | spans |',
    '| --- | --- | ---: |',
  );
  for (const item of summary.inputs.slice(0, INPUTS_LISTED)) lines.push(`| ${markdownText(clip(displayPath(item.name, input.cwd), 200))} | ${item.format} | ${item.spans} |`);
  if (summary.inputs.length > INPUTS_LISTED) lines.push(`| … ${plural(summary.inputs.length - INPUTS_LISTED, 'more input')} | | |`);
  return `${lines.join('\n')}\n`;
}

function rulesTable(groups: readonly RuleGroup[], input: ReportInput): string {
  const lines = ['### Findings by rule', '', '| rule | severity | findings | spans | what it finds |', '| --- | --- | ---: | ---: | --- |'];
  for (const group of groups) {
    const url = ruleDocsUrl(group.ruleId, input.toolVersion);
    const name = markdownText(group.ruleId);
    const summary = input.rules.find((rule) => rule.id === group.ruleId)?.summary ?? '';
    lines.push(`| ${url ? `[${name}](${url})` : name} | ${group.severity} | ${group.findings.length} | ${group.spans} | ${markdownText(clip(summary, 200))} |`);
  }
  return `\n${lines.join('\n')}\n`;
}

/** One block per occurrence: the first carries the rule's heading and table head. */
function occurrenceBlocks(group: RuleGroup, index: number, shownId: (traceId: string) => string): Block[] {
  const shown = group.findings.slice(0, OCCURRENCES_PER_RULE);
  const more = group.findings.length - shown.length;
  return shown.map((d, i) => {
    const row = `| ${d.traceId ? code(shownId(d.traceId)) : '(across traces)'} | ${d.spanId ? code(d.spanId) : ''} | ${d.service ? markdownText(d.service) : ''} | ${markdownText(clip(d.message, MESSAGE_CHARS))}${d.count > 1 ? ` (×${d.count} spans)` : ''} |`;
    const first = i === 0;
    const heading = first ? `\n#### ${markdownText(group.ruleId)} (${group.severity}): ${plural(group.findings.length, 'finding')}\n\n| trace | span | service | message |\n| --- | --- | --- | --- |\n` : '';
    const tail = i === shown.length - 1 && more > 0 ? `\n… and ${plural(more, 'more finding')}\n` : '';
    // Later rules go first; within a rule the first occurrence is kept longest.
    return { text: `${heading}${row}\n${tail}`, priority: first ? 1 + index / 1e6 : 2 + index / 1e6, kind: 'occurrence' as const };
  });
}

/** A heading and a compact text waterfall for each trace with error-level findings. */
function traceBlocks(traces: TraceSet, diagnostics: readonly Diagnostic[]): Block[] {
  const failing = [...groupByTrace(diagnostics.filter((d) => d.severity === 'error'))].filter(([traceId]) => traceId !== '' && traces.get(traceId));
  if (failing.length === 0) return [];
  const lostInSet = lostPropagationCalls(traces);
  const masked = new MaskedTraces();
  const blocks: Block[] = [{ text: `\n### Traces with errors\n`, priority: 0 }];
  failing.slice(0, TRACE_SECTIONS).forEach(([traceId, found], i) => {
    const { trace, lost } = masked.mask(traces.get(traceId)!, lostInSet);
    const root = trace.roots[0] ?? trace.tops[0];
    const title = `#### ${code(displayTraceId(trace))}${root ? ` ${markdownText(clip(`${serviceOf(root)}: ${root.name}`, 120))}` : ''}`;
    const list = found.slice(0, 10).map((d) => `- **${markdownText(d.ruleId)}**: ${markdownText(clip(d.message, MESSAGE_CHARS))}`);
    if (found.length > 10) list.push(`- … and ${plural(found.length - 10, 'more error')}`);
    blocks.push({ text: `\n${title}\n\n${list.join('\n')}\n\n${codeBlock(compactWaterfall(trace, lost, found))}\n`, priority: 3 + i / 1e6, kind: 'waterfall' });
  });
  if (failing.length > TRACE_SECTIONS) blocks.push({ text: `\n… and ${plural(failing.length - TRACE_SECTIONS, 'more trace')} with errors (the HTML report draws them all)\n`, priority: 0 });
  return blocks;
}

/**
 * The terminal waterfall without colour, at most WATERFALL_ROWS rows: a larger
 * trace keeps the spans with findings or marks and their ancestors.
 */
function compactWaterfall(trace: Trace, lost: ReadonlySet<Span>, found: readonly Diagnostic[]): string {
  const options = { width: WATERFALL_WIDTH, collapse: true, lostCalls: lost };
  const marks = waterfallMarks(trace, lost);
  let rows: Row[] = layoutWaterfall(trace, options, marks);
  const total = rows.length;
  if (rows.length > WATERFALL_ROWS) {
    const keep = withAncestors(trace, [...found.flatMap((d) => (d.spanId ? [trace.span(d.spanId)] : [])), ...rows.filter((row) => row.marks.some((mark) => mark !== 'critical')).map((row) => row.span)]);
    rows = rows.filter((row) => row.depth === 0 || keep.has(row.span));
  }
  const lines = paintWaterfall(trace, rows.slice(0, WATERFALL_ROWS), makeTheme(false, true), options);
  if (rows.length < total) lines.push(`(${total - Math.min(rows.length, WATERFALL_ROWS)} of ${total} rows not shown)`);
  return lines.join('\n');
}

function withAncestors(trace: Trace, spans: ReadonlyArray<Span | undefined>): Set<Span> {
  const keep = new Set<Span>();
  // Each walk up stops at a span already kept, so every span is visited once (a parent cycle too).
  for (const span of spans) for (let up = span; up && !keep.has(up); up = trace.parent(up)) keep.add(up);
  return keep;
}

/** Puts blocks in the report by priority until the limit, keeping their order; says what was left out. */
function fitToLimit(blocks: readonly Block[]): string {
  const kept = new Set<Block>();
  let used = NOTE_RESERVE_BYTES;
  for (const block of [...blocks].sort((a, b) => a.priority - b.priority)) {
    const size = Buffer.byteLength(block.text);
    if (used + size > MARKDOWN_LIMIT_BYTES) continue;
    kept.add(block);
    used += size;
  }
  const dropped = { waterfall: 0, occurrence: 0 };
  for (const block of blocks) if (!kept.has(block) && block.kind) dropped[block.kind]++;
  let text = blocks.filter((block) => kept.has(block)).map((block) => block.text).join('');
  if (dropped.waterfall + dropped.occurrence > 0) {
    const what = [dropped.waterfall ? plural(dropped.waterfall, 'waterfall') : '', dropped.occurrence ? plural(dropped.occurrence, 'occurrence') : ''].filter(Boolean).join(' and ');
    text += `\n> Left out to stay under GitHub's 1 MiB step-summary limit: ${what}. The JSON and HTML reports have everything.\n`;
  }
  return text;
}

const MARKDOWN_SPECIAL = /[\\`*_[\]<>&|~$:@#!]/g;

/**
 * Text from a trace as inert Markdown, on one line: control and bidi characters
 * shown escaped (safeText), and every character that could start markup — emphasis,
 * code, links, images, HTML and entities, tables, strikethrough, math, autolinks
 * (`http:`, `www.`, addresses) — backslash-escaped, which CommonMark renders as the
 * character itself.
 */
export function markdownText(text: string): string {
  return safeText(text).replace(MARKDOWN_SPECIAL, '\\$&').replace(/(www)\./gi, '$1\\.');
}

/** An id or other code in backticks, fenced past any backticks it holds (so it cannot close early). */
function code(text: string): string {
  const safe = safeText(text).replace(/\|/g, '\\|');
  const fence = '`'.repeat(longestRun(safe, '`') + 1);
  return fence.length > 1 || safe.startsWith('`') || safe.endsWith('`') ? `${fence} ${safe} ${fence}` : `${fence}${safe}${fence}`;
}

/** A fenced code block whose fence is longer than any run of backticks inside. */
function codeBlock(text: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${fence}text\n${text}\n${fence}`;
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
