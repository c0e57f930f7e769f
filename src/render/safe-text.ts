/**
 * Makes text from a trace safe to print: nothing in it may move the cursor,
 * change colours, rewrite the line or reorder text on the terminal.
 * C0 and C1 control characters (ESC, CR, BS, NUL, CSI …) become `\xNN`;
 * bidi overrides and line/paragraph separators become `\u{NNNN}`.
 * A backslash is left as is: the output is for reading, not for parsing back.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

export function safeText(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/** Like safeText, but keeps newlines and tabs (for multi-line blocks such as docs). */
export function safeMultiline(text: string): string {
  return text.replace(UNSAFE, (ch) => (ch === '\n' || ch === '\t' ? ch : escapeChar(ch)));
}

function escapeChar(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

// eslint-disable-next-line no-control-regex
const JSON_UNSAFE = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/**
 * JSON.stringify, plus \uXXXX escapes for the characters it leaves raw that can
 * still act on a terminal (DEL, C1 controls, bidi overrides, line separators).
 * The result parses back to exactly the same data.
 */
export function terminalSafeJson(value: unknown, replacer?: (key: string, value: unknown) => unknown, space?: number): string {
  return JSON.stringify(value, replacer, space).replace(JSON_UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
