import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import type { Span } from '../model/span.js';
import { serviceOf } from '../model/span.js';
import type { Trace } from '../model/trace.js';
import { keptData, keptText } from './kept.js';
import type { Diagnostic, Finding, Occurrence, Rule, Severity } from './types.js';

/** How many occurrences a grouped finding lists (its count has them all). */
export const MAX_OCCURRENCES = 10;

/**
 * Where diagnostics are collected. A finding with a group joins the others of
 * its rule, severity, service and group: one diagnostic with the count, the
 * first MAX_OCCURRENCES places in input order, and the fields of the first of
 * them — whatever order the findings came in, so a run split into shards and
 * merged (`absorb`) gives the same diagnostics as one run.
 */
export class DiagnosticSink {
  private readonly single: Diagnostic[] = [];
  private readonly groups = new Map<string, Diagnostic>();
  /** A group's digest and fingerprint by its text, hashed once per group rather than once per finding. */
  private readonly named = new Map<string, { digest: string; fingerprint: string }>();

  /** Diagnostics held so far (a group counts once). */
  get size(): number {
    return this.single.length + this.groups.size;
  }

  add(diagnostic: Diagnostic, group: string | undefined): void {
    if (group === undefined) {
      this.single.push(diagnostic);
      return;
    }
    const text = [diagnostic.ruleId, diagnostic.service ?? '', group].join('\u0000');
    let names = this.named.get(text);
    if (!names) {
      // Kept as a digest: groups are made of span names and keys, which can hold personal data,
      // and shards only need equal groups to be equal (absorb joins on the same key).
      names = { digest: groupDigest(group), fingerprint: fingerprint(diagnostic.ruleId, undefined, undefined, `group\u0000${diagnostic.service ?? ''}\u0000${group}`) };
      this.named.set(text, names);
    }
    diagnostic.group = names.digest;
    diagnostic.fingerprint = names.fingerprint;
    diagnostic.occurrences = [occurrenceOf(diagnostic)];
    this.join([diagnostic.ruleId, diagnostic.severity, diagnostic.service ?? '', diagnostic.group].join('\u0000'), diagnostic);
  }

  /** Diagnostics of another run (a shard), grouped ones joining their groups here. */
  absorb(diagnostics: readonly Diagnostic[]): void {
    for (const d of diagnostics) {
      if (d.group === undefined) this.single.push(d);
      else this.join([d.ruleId, d.severity, d.service ?? '', d.group].join('\u0000'), { ...d, occurrences: [...(d.occurrences ?? [occurrenceOf(d)])] });
    }
  }

  /** Every diagnostic, in the report order. */
  diagnostics(): Diagnostic[] {
    return [...this.single, ...this.groups.values()].sort(compareDiagnostics);
  }

  private join(key: string, diagnostic: Diagnostic): void {
    const current = this.groups.get(key);
    if (current === undefined) {
      this.groups.set(key, diagnostic);
      return;
    }
    // The group reads as its first occurrence: the one earliest in the input. (Both are this sink's own objects.)
    const [first, other] = compareOccurrences(diagnostic, current) < 0 ? [diagnostic, current] : [current, diagnostic];
    first.occurrences = mergeOccurrences(first.occurrences!, other.occurrences!);
    first.count += other.count;
    this.groups.set(key, first);
  }
}

function groupDigest(group: string): string {
  return createHash('sha256').update(group).digest('hex').slice(0, 32);
}

/** The first MAX_OCCURRENCES of two sorted lists, sorted. */
function mergeOccurrences(a: readonly Occurrence[], b: readonly Occurrence[]): Occurrence[] {
  const out: Occurrence[] = [];
  let i = 0;
  let j = 0;
  while (out.length < MAX_OCCURRENCES && (i < a.length || j < b.length)) {
    if (j >= b.length || (i < a.length && compareOccurrences(a[i]!, b[j]!) <= 0)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

/** Input order: file, line, column, then trace and span id (formats without positions). */
function compareOccurrences(a: Occurrence, b: Occurrence): number {
  return (
    compare(a.location?.file ?? '', b.location?.file ?? '') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
    compare(a.traceId ?? '', b.traceId ?? '') ||
    compare(a.spanId ?? '', b.spanId ?? '')
  );
}

function occurrenceOf(diagnostic: Diagnostic): Occurrence {
  const occurrence: Occurrence = {};
  if (diagnostic.traceId !== undefined) occurrence.traceId = diagnostic.traceId;
  if (diagnostic.spanId !== undefined) occurrence.spanId = diagnostic.spanId;
  if (diagnostic.location !== undefined) occurrence.location = diagnostic.location;
  return occurrence;
}

/** A finding as data: rule id, severity, trace, span, service, location, fingerprint. */
export function toDiagnostic(rule: Rule, finding: Finding, severity: Severity): Diagnostic {
  const span = finding.span;
  const message = keptText(rule.id, finding.message);
  // A grouped finding's fingerprint is its group's (DiagnosticSink.add).
  if (span) {
    // Every field in one literal, in the order of the branches below: the object holds them
    // all itself, where fields added one by one spill into a second, out-of-object store.
    return {
      ruleId: rule.id,
      severity,
      message,
      data: keptData(rule.id, finding.data ?? {}),
      fingerprint: finding.group === undefined ? fingerprint(rule.id, span.traceId, span.spanId, finding.key) : '',
      count: 1,
      traceId: span.traceId,
      spanId: span.spanId,
      service: serviceOf(span),
      // The span's own source object, shared, not a copy.
      location: finding.location ?? span.source,
    };
  }
  const traceId = finding.trace?.traceId;
  const diagnostic: Diagnostic = {
    ruleId: rule.id,
    severity,
    message,
    data: keptData(rule.id, finding.data ?? {}),
    fingerprint: finding.group === undefined ? fingerprint(rule.id, traceId, undefined, finding.key) : '',
    count: 1,
  };
  if (traceId !== undefined) diagnostic.traceId = traceId;
  if (finding.location) {
    diagnostic.location = finding.location;
  } else if (finding.trace) {
    const first = firstSpan(finding.trace);
    if (first) diagnostic.location = { file: first.source.file, format: first.source.format };
  }
  return diagnostic;
}

function firstSpan(trace: Trace): Span | undefined {
  return trace.roots[0] ?? trace.spans[0];
}

/** Stable across runs: depends on what the finding is about, not on span order or file lines. */
export function fingerprint(ruleId: string, traceId: string | undefined, spanId: string | undefined, key: string | undefined): string {
  return firstHalf(sha256Hex([ruleId, traceId ?? '', spanId ?? '', key ?? ''].join('\u0000')));
}

/** Node's one-shot hash where it has it (20.12 and later): a third of the time of a Hash object. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

function sha256Hex(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}

/**
 * The first 32 of 64 hex digits as a string of its own. `slice` would keep a view that holds
 * the whole 64 (112 bytes a fingerprint, where 48 will do); two short halves joined and
 * flattened are a flat copy once the collector drops the join (see keptText).
 */
function firstHalf(hex: string): string {
  const half = hex.slice(0, 16) + hex.slice(16, 32);
  half.charCodeAt(0);
  return half;
}

/** Errors and warnings, counted in one pass rather than filtered: two lists of a million findings would be made only to be measured. */
export function severityCounts(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warn') warnings++;
  }
  return { errors, warnings };
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    compare(a.location?.file ?? '', b.location?.file ?? '') ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
    compare(a.traceId ?? '', b.traceId ?? '') ||
    compare(a.ruleId, b.ruleId) ||
    compare(a.spanId ?? '', b.spanId ?? '') ||
    compare(a.message, b.message) ||
    compare(a.fingerprint, b.fingerprint)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
