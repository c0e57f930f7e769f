/**
 * Finds the first JSON syntax error and says what was expected there.
 * Runs only after JSON.parse has failed, so it favours clear messages over speed,
 * and gives the same answer on every Node version (V8's messages differ).
 */
export interface JsonSyntaxError {
  offset: number;
  expected: string;
  found: string;
}

/**
 * Whitespace that followed a text on its line but was not kept (a reader drops
 * long runs of it): how long it was, and where its first character other than a
 * space is (a tab or CR, which inside a string is an error), -1 if none. Errors
 * at the end of the text are placed as if the whitespace were there.
 */
export interface BlankTail {
  length: number;
  control: number;
  controlChar: string;
}

type State = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'after';

/** What a JSON value may be, as error messages say it (shared with the streaming splitter). */
export const VALUE = 'a value (object, array, string, number, true, false or null)';
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

export function findJsonSyntaxError(text: string, tail?: BlankTail): JsonSyntaxError | undefined {
  const stack: Array<'object' | 'array'> = [];
  let state: State = 'value';
  let i = 0;
  const fail = (expected: string): JsonSyntaxError => ({ offset: i, expected, found: describe(text, i) });
  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    const top = stack[stack.length - 1];
    if (i >= text.length) {
      if (state === 'after' && top === undefined) return undefined;
      return { offset: text.length + (tail?.length ?? 0), expected: expectation(state, top), found: 'end of input' };
    }
    const c = text[i]!;
    switch (state) {
      case 'value':
      case 'value-or-close':
        if (c === ']' && state === 'value-or-close') {
          stack.pop();
          i++;
          state = 'after';
        } else if (c === '{') {
          stack.push('object');
          i++;
          state = 'key-or-close';
        } else if (c === '[') {
          stack.push('array');
          i++;
          state = 'value-or-close';
        } else if (c === '"') {
          const error = skipString(text, i, tail);
          if (typeof error !== 'number') return error;
          i = error;
          state = 'after';
        } else {
          const end = matchAt(NUMBER, text, i) ?? matchAt(LITERAL, text, i);
          if (end === undefined) return fail(expectation(state, top));
          i = end;
          state = 'after';
        }
        break;
      case 'key':
      case 'key-or-close':
        if (c === '}' && state === 'key-or-close') {
          stack.pop();
          i++;
          state = 'after';
        } else if (c === '"') {
          const error = skipString(text, i, tail);
          if (typeof error !== 'number') return error;
          i = error;
          state = 'colon';
        } else return fail(expectation(state, top));
        break;
      case 'colon':
        if (c !== ':') return fail("':' after the property name");
        i++;
        state = 'value';
        break;
      case 'after':
        if (top === undefined) return fail('end of input (only one JSON value is allowed)');
        if (c === ',') {
          i++;
          state = top === 'object' ? 'key' : 'value';
        } else if ((c === '}' && top === 'object') || (c === ']' && top === 'array')) {
          stack.pop();
          i++;
        } else return fail(expectation(state, top));
        break;
    }
  }
}

function expectation(state: State, top: 'object' | 'array' | undefined): string {
  switch (state) {
    case 'value':
      return VALUE;
    case 'value-or-close':
      return `${VALUE} or ']'`;
    case 'key':
      return 'a double-quoted property name';
    case 'key-or-close':
      return "a double-quoted property name or '}'";
    case 'colon':
      return "':'";
    case 'after':
      return top === 'object' ? "',' or '}'" : top === 'array' ? "',' or ']'" : 'end of input';
  }
}

const CONTROL_IN_STRING = 'a closing \'"\' (control characters must be escaped in strings)';

/** Returns the offset after the closing quote, or the error inside the string. */
function skipString(text: string, start: number, tail: BlankTail | undefined): number | JsonSyntaxError {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return { offset: i, expected: CONTROL_IN_STRING, found: describe(text, i) };
    if (code === 0x5c) {
      const next = text[i + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, expected: 'four hex digits after \\u', found: describe(text, i + 2) };
        i += 6;
        continue;
      }
      if (next === undefined || !'"\\/bfnrt'.includes(next)) return { offset: i, expected: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)', found: describe(text, i + 1) };
      i += 2;
      continue;
    }
    i++;
  }
  // The string runs on into the whitespace not kept: its first control character is the error.
  if (tail && tail.control !== -1) return { offset: text.length + tail.control, expected: CONTROL_IN_STRING, found: describe(tail.controlChar, 0) };
  return { offset: text.length + (tail?.length ?? 0), expected: 'a closing \'"\'', found: 'end of input' };
}

function matchAt(pattern: RegExp, text: string, at: number): number | undefined {
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex : undefined;
}

function describe(text: string, offset: number): string {
  if (offset >= text.length) return 'end of input';
  const code = text.codePointAt(offset)!;
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
  return `'${String.fromCodePoint(code)}'`;
}
