import { pick } from './fields.js';

/**
 * OTLP's other signals. A Collector `file` exporter that serves the traces,
 * logs and metrics pipelines writes all three into one file, a request per
 * line; lines of the other signals are valid input to skip, not errors.
 */
export type OtherSignal = 'logs' | 'metrics' | 'profiles';

const SIGNALS: ReadonlyArray<[OtherSignal, string, string]> = [
  ['logs', 'resourceLogs', 'resource_logs'],
  ['metrics', 'resourceMetrics', 'resource_metrics'],
  ['profiles', 'resourceProfiles', 'resource_profiles'],
];

/** The signal of an OTLP request of logs, metrics or profiles; undefined for anything else. */
export function otherSignalOf(value: unknown): OtherSignal | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  for (const [signal, camel, snake] of SIGNALS) if (Array.isArray(pick(value as Record<string, unknown>, camel, snake))) return signal;
  return undefined;
}

/** Lines of other signals skipped in one input, by signal. */
export type SkippedSignals = Partial<Record<OtherSignal, number>>;

/** "skipped 56 lines of other signals: 16 logs, 40 metrics", or undefined when none were. */
export function describeSkipped(skipped: SkippedSignals): string | undefined {
  const parts = SIGNALS.map(([signal]) => [signal, skipped[signal] ?? 0] as const).filter(([, n]) => n > 0);
  const total = parts.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return undefined;
  return `skipped ${total} line${total === 1 ? '' : 's'} of other signals: ${parts.map(([signal, n]) => `${n} ${signal}`).join(', ')}`;
}
