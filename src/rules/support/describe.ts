import type { Span } from '../../model/span.js';
import { serviceOf } from '../../model/span.js';
import { maskPii } from './pii-mask.js';

/**
 * How rule messages name a span: kind, quoted name and service, e.g. CLIENT 'GET /cart' in checkout.
 * Personal data in the name is masked as the pii rule masks it: every message names spans, so
 * a name such as `GET /users/jane@example.com` would otherwise put the address in every report.
 */
export function spanLabel(span: Span): string {
  const kind = span.kind === 'UNSPECIFIED' || span.kind === 'INTERNAL' ? '' : `${span.kind} `;
  return `${kind}'${spanName(span)}' in ${clip(serviceOf(span))}`;
}

/** A span's name as messages and data show it: PII masked, clipped. */
export function spanName(span: Span, max = 80): string {
  return clip(maskPii(span.name), max);
}

/** Keeps messages short whatever the trace holds (reporters make the text terminal-safe at the edge). */
export function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function ms(ns: bigint): number {
  return Math.round(Number(ns) / 1e3) / 1e3;
}
