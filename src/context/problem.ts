/**
 * A problem in a header value: where (character offset), what was found, what
 * the specification expects there, and which section says so. `severity`
 * 'error' makes the header invalid; 'warning' is valid, but some receivers
 * drop or lose what it points at; 'note' is worth knowing and changes nothing.
 */
export interface HeaderProblem {
  /** In the value; for headers sent as several fields (B3's X-B3-*), in the value of `field`. */
  offset: number;
  found: string;
  expected: string;
  /** The specification section, e.g. "W3C Trace Context §3.2.2.3 trace-id". */
  section: string;
  severity: HeaderSeverity;
  /** The header field the offset is in, for kinds sent as several fields. */
  field?: string;
}

export type HeaderSeverity = 'error' | 'warning' | 'note';

export type ParseResult<T> = { valid: true; value: T; problems: readonly HeaderProblem[] } | { valid: false; value?: T; problems: readonly HeaderProblem[] };

/** The problems of a clean value: one shared, frozen empty list instead of one per parse. */
export const NO_PROBLEMS: readonly HeaderProblem[] = Object.freeze([]);

/** Printable ASCII characters as a problem shows them, built once. */
const QUOTED_ASCII = Array.from({ length: 0x7f }, (_, code) => `'${String.fromCharCode(code)}'`);

/** How a found character or end of input is shown in a problem. */
export function describeAt(text: string, offset: number, length = 1): string {
  if (offset >= text.length) return 'end of value';
  if (length === 1) {
    const code = text.charCodeAt(offset);
    if (code >= 0x20 && code < 0x7f) return QUOTED_ASCII[code]!;
  }
  const part = text.slice(offset, offset + length);
  const code = part.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
  return `'${part}'`;
}

export function error(text: string, offset: number, expected: string, section: string, length = 1): HeaderProblem {
  return { offset, found: describeAt(text, offset, length), expected, section, severity: 'error' };
}

export function warning(offset: number, found: string, expected: string, section: string): HeaderProblem {
  return { offset, found, expected, section, severity: 'warning' };
}

export function note(offset: number, found: string, expected: string, section: string): HeaderProblem {
  return { offset, found, expected, section, severity: 'note' };
}

export function result<T>(value: T, problems: readonly HeaderProblem[]): ParseResult<T> {
  if (problems.length === 0) return { valid: true, value, problems: NO_PROBLEMS };
  for (const problem of problems) if (problem.severity === 'error') return { valid: false, value, problems };
  return { valid: true, value, problems };
}
