import type { ExpectationResults } from '../expect/evaluate.js';
import type { FindingLocation, Span } from '../model/span.js';
import type { CrossTraceSummary } from '../analysis/summary.js';
import type { Trace } from '../model/trace.js';

/** What a user can set a rule to. */
export type SeveritySetting = 'off' | 'warn' | 'error';
/** What a finding is reported at. */
export type Severity = 'warn' | 'error';

export type RuleCategory = 'propagation' | 'timing' | 'sampling' | 'hygiene' | 'ids' | 'expectations';

/** The measured facts behind a finding: plain JSON values (bigints as decimal strings). */
export type DiagnosticData = Record<string, string | number | boolean | null | string[] | number[]>;

/**
 * A finding. Data, not prose: reporters make text from it at the edge. Read
 * only: diagnostics of one rule share equal `data` objects and lists (a
 * million findings hold one copy of what they say alike), so a change to one
 * would show in the others.
 */
export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  traceId?: string;
  spanId?: string;
  service?: string;
  location?: FindingLocation;
  data: DiagnosticData;
  /**
   * Stable across runs and span order: rule, trace, span and the finding's key;
   * for a grouped finding, rule, service and group, so it stays the same as the count grows.
   */
  fingerprint: string;
  /** How many spans the finding was seen on: 1, or more for a grouped finding (see Finding.group). */
  count: number;
  /** For a grouped finding: where it was seen, the first MAX_OCCURRENCES in input order (the first is the diagnostic's own trace, span and location). */
  occurrences?: Occurrence[];
  /** For a grouped finding: a digest of what repeats (Finding.group, which can hold span names), so the findings of shards join. */
  group?: string;
}

/** One span a grouped finding was seen on. */
export interface Occurrence {
  traceId?: string;
  spanId?: string;
  location?: FindingLocation;
}

/** What a check hands to `report`; the engine adds rule id, severity, service and location. */
export interface Finding {
  message: string;
  /** The span the finding is about (gives trace id, span id, service and location). */
  span?: Span;
  /** The trace, when the finding is about a whole trace rather than one span. */
  trace?: Trace;
  data?: DiagnosticData;
  /** Tells apart several findings of one rule on one span (e.g. the attribute key); part of the fingerprint. */
  key?: string;
  /**
   * One problem repeated on many spans is one finding: findings of a rule with
   * the same group, service and severity become one diagnostic with a count
   * and the first occurrences. The group names what repeats (an attribute key
   * and the kind of value, say); the message should read true of every span in it.
   */
  group?: string;
  /** For rules with graded thresholds: a lower severity for this finding (the configured one is the most it can be). */
  severity?: Severity;
  /** Where the finding points when that is not the span's place in the input (a failed expectation: its line in the spec file). */
  location?: FindingLocation;
}

/** One option of a rule, with its default; the single source for docs, config checks and `init`. */
export interface RuleOption {
  type: 'number' | 'boolean' | 'string' | 'string[]';
  default: number | boolean | string | string[];
  description: string;
}

export type RuleOptions = Record<string, RuleOption>;

/** The option values a check receives, typed from the rule's option declarations. */
export type OptionValues<O extends RuleOptions> = {
  [K in keyof O]: O[K]['type'] extends 'number' ? number : O[K]['type'] extends 'boolean' ? boolean : O[K]['type'] extends 'string' ? string : string[];
};

export interface RuleContext<O extends RuleOptions> {
  options: OptionValues<O>;
  /**
   * For 'set' rules: what the cross-trace rules may know of all the traces
   * (analysis/summary.ts), whether they were read in one run or in shards whose
   * summaries were merged. A set rule reads nothing else of the traces.
   */
  crossTrace: CrossTraceSummary;
  /** The user's specs checked against the traces (`check --expect`), when there are any. */
  expectations?: ExpectationResults;
  report(finding: Finding): void;
}

export interface RuleDocs {
  /** Why it matters: what breaks for the user when this happens. */
  why: string;
  /** How to fix it in the instrumentation. */
  fix: string;
  /** Optional further reading (spec sections, docs). */
  references?: string[];
}

export interface Rule<O extends RuleOptions = RuleOptions> {
  /** kebab-case, unique; also the file name under src/rules/. */
  id: string;
  category: RuleCategory;
  defaultSeverity: Severity;
  /** One line, shown by `tracelint rules`. */
  summary: string;
  docs: RuleDocs;
  options: O;
  /** 'trace': check runs once per trace (ctx.trace set); 'set': once over the cross-trace summary of all traces. */
  scope: 'trace' | 'set';
  check(context: RuleContext<O> & { trace?: Trace }): void;
}

/** Typed rule definition: the options' types flow into the check. */
export function defineRule<O extends RuleOptions>(rule: Rule<O>): Rule<O> {
  return rule;
}
