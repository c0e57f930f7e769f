import type { Mark } from '../../analysis/marks.js';

/**
 * What the HTML page embeds as JSON (in a non-executable script element) and
 * its viewer script reads: nothing else of the page comes from the trace. Every
 * text in it has been masked (PII) and made safe (control and bidi characters
 * shown escaped) when it was built; times are ns offsets from the trace's start
 * as numbers (exact below 2^53 ns, 104 days), or null when unknown.
 */
export interface ViewerData {
  version: 1;
  /** 'check': a lint report; 'view': traceview's, without findings. */
  mode: 'check' | 'view';
  toolVersion: string;
  summary: SummaryData;
  outcome?: { exitCode: 0 | 1 | 2; reasons: string[] };
  marks: MarkData[];
  /** The rules the findings are of, with their docs. */
  rules: RuleData[];
  findings: FindingData[];
  /** Every trace read; those with `spans` can be drawn. */
  traces: TraceData[];
  /** Resources shared by spans (`SpanData.resource` indexes this). */
  resources: Array<Array<[string, string]>>;
  /** What the page leaves out and why (sizes), said at the top. */
  notes: string[];
}

export interface SummaryData {
  inputs: Array<{ name: string; format: string; spans: number }>;
  traces: number;
  spans: number;
  services: number;
  errors: number;
  warnings: number;
  baselined: number;
  ignored: number;
}

export interface MarkData {
  id: Mark;
  symbol: string;
  meaning: string;
}

export interface RuleData {
  id: string;
  category: string;
  summary: string;
  why: string;
  fix: string;
  /** The rule's documentation page (src/report/rule-docs.ts), for tracelint's own rules. */
  url?: string;
}

export interface FindingData {
  rule: string;
  severity: 'error' | 'warn';
  message: string;
  traceId?: string;
  spanId?: string;
  service?: string;
  /** file:line:column, relative to the working directory. */
  location?: string;
  /** How many spans the finding stands for (a grouped finding: more than 1). */
  spans: number;
  /** Where else it was seen, when grouped (the first ones). */
  occurrences?: Array<{ traceId?: string; spanId?: string; location?: string }>;
}

export interface TraceData {
  /** As stored (findings refer to it). */
  id: string;
  /** As the input's tools show it (a 64-bit Zipkin or Jaeger id in 16 digits). */
  displayId: string;
  /** `service: name` of the root (or first top) span. */
  root: string;
  spanCount: number;
  /** Formatted, or '' when no span has a time. */
  duration: string;
  /** ns, for sorting; null when unknown. */
  durationNs: number | null;
  /** ISO start time, or ''. */
  start: string;
  errors: number;
  /** Services of the trace (`SpanData.service` indexes this). */
  services: string[];
  /** Drawn when the page opens (traces with findings, or the ones traceview chose). */
  open: boolean;
  /** The spans in tree order (depth-first, children by start time); absent when the trace is only listed. */
  spans?: SpanData[];
  /** Why the spans are absent. */
  notDrawn?: string;
}

export interface SpanData {
  id: string;
  parent?: string;
  name: string;
  kind: string;
  service: number;
  depth: number;
  /** ns from the trace's start. */
  start: number | null;
  end: number | null;
  duration: string;
  startText: string;
  status: 'UNSET' | 'OK' | 'ERROR';
  message?: string;
  marks: Mark[];
  /** Stretches of this span on the critical path (ns from the trace's start). */
  critical?: Array<[number, number]>;
  attributes: Array<[string, string]>;
  events: Array<{ at: number | null; name: string; attributes: Array<[string, string]> }>;
  links: Array<{ traceId: string; spanId: string; kind: string; attributes: Array<[string, string]> }>;
  resource: number;
  /** Other fields worth showing (scope, source, flags, trace state, dropped counts). */
  fields: Array<[string, string]>;
}
