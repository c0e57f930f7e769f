/** tracelint as a library: the same engine as the command line. */
export * from './model/index.js';
export { readTraces, decodeText, expandInputs, type ReadOptions, type ReadResult, type InputSummary, type DecodedText } from './formats/read.js';
export { readStreamed, type StreamedInput, type StreamReadOptions } from './formats/stream-read.js';
export { InputError } from './formats/errors.js';
export { FORMAT_NAMES } from './formats/detect.js';
export { spanStats, type SpanStats } from './analysis/stats.js';
export { estimateClockSkew, type ServiceSkew } from './analysis/skew.js';
export { lint, fingerprint, type LintResult, type RuleFailure } from './lint/engine.js';
export { resolveConfig, validateConfig, loadConfig, ConfigError, type TracelintConfig, type ResolvedConfig, type IgnorePattern, type ServiceOverride } from './lint/config.js';
export { applyBaseline, makeBaseline, type Baseline } from './lint/baseline.js';
export { defineRule, type Rule, type RuleContext, type Diagnostic, type Finding, type Severity, type SeveritySetting, type RuleCategory } from './lint/types.js';
export { RULES } from './rules/index.js';
export { REPORTERS, type ReporterName, type ReportInput, type RunSummary } from './report/index.js';
export * from './context/index.js';
export { safeText } from './render/safe-text.js';
