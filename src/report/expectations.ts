import type { RunSummary } from './types.js';

/** `expectations: 5 passed, 1 failed, 2 skipped` (the parts that are not zero; passed always), or '' without spec files. */
export function expectationsText(summary: RunSummary): string {
  const counts = summary.expectations;
  if (!counts) return '';
  const parts = [`${counts.passed} passed`, counts.failed ? `${counts.failed} failed` : '', counts.skipped ? `${counts.skipped} skipped` : ''].filter(Boolean);
  return `expectations: ${parts.join(', ')}`;
}
