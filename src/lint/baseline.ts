import type { Diagnostic } from './types.js';

/**
 * A baseline accepts today's findings so CI fails only on new ones. It holds
 * fingerprints (rule, trace, span, key — not order or line numbers) with how
 * many times each was seen, so a second identical finding is still new.
 */
export interface Baseline {
  version: 1;
  /** fingerprint -> count */
  fingerprints: Record<string, number>;
}

export function makeBaseline(diagnostics: readonly Diagnostic[]): Baseline {
  const fingerprints: Record<string, number> = {};
  for (const diagnostic of [...diagnostics].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1))) {
    fingerprints[diagnostic.fingerprint] = (fingerprints[diagnostic.fingerprint] ?? 0) + 1;
  }
  return { version: 1, fingerprints };
}

/** The diagnostics not in the baseline, and how many were. */
export function applyBaseline(diagnostics: readonly Diagnostic[], baseline: Baseline): { fresh: Diagnostic[]; baselined: number } {
  const remaining = new Map(Object.entries(baseline.fingerprints));
  const fresh: Diagnostic[] = [];
  let baselined = 0;
  for (const diagnostic of diagnostics) {
    const left = remaining.get(diagnostic.fingerprint) ?? 0;
    if (left > 0) {
      remaining.set(diagnostic.fingerprint, left - 1);
      baselined++;
    } else fresh.push(diagnostic);
  }
  return { fresh, baselined };
}

/** Parses a baseline file's JSON; undefined when it is not one. */
export function parseBaseline(value: unknown): Baseline | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const candidate = value as Partial<Baseline>;
  if (candidate.version !== 1 || typeof candidate.fingerprints !== 'object' || candidate.fingerprints === null) return undefined;
  const counts = Object.values(candidate.fingerprints);
  if (!counts.every((count) => Number.isInteger(count) && count > 0)) return undefined;
  return { version: 1, fingerprints: { ...candidate.fingerprints } };
}
