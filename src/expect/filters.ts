import { query } from 'jsonpath-rfc9535';
import parseJsonPath from 'jsonpath-rfc9535/parser';
import type { Term } from './assertion.js';
import { EvalFailure, jsonToValue, NOTHING, parseJson, showValue, textValue, typeName, type Value } from './values.js';

/**
 * Tracetest's filters (`attr:http.response.body | json_path '$.id' = 52`):
 * each takes the value on its left and arguments, and gives a value.
 */
export const FILTERS = ['json_path', 'regex', 'regex_group', 'get_index', 'length', 'type'] as const;
export type FilterName = (typeof FILTERS)[number];

const ARITY: Record<FilterName, number> = { json_path: 1, regex: 1, regex_group: 1, get_index: 1, length: 0, type: 0 };

export interface FilterProblem {
  message: string;
  /** Which argument (or -1 for the filter name). */
  index: number;
  /** Where in that argument's token, when the problem is inside it. */
  offset?: number;
}

/** Checks what can be checked before any trace is read: the number of arguments, JSONPath syntax, regular expressions. */
export function checkFilterArgument(name: FilterName, args: readonly Term[]): FilterProblem | undefined {
  if (args.length !== ARITY[name]) return { message: `${name} takes ${ARITY[name] === 0 ? 'no argument' : `${ARITY[name]} argument`}, found ${args.length}`, index: args.length > ARITY[name] ? ARITY[name] : -1 };
  const arg = args[0];
  if (arg?.kind !== 'literal') return undefined;
  if (name === 'json_path') {
    try {
      parseJsonPath(normaliseJsonPath(arg.text));
    } catch (error) {
      const column = (error as { location?: { start?: { offset?: number } } }).location?.start?.offset;
      const shift = normaliseJsonPath(arg.text).length - arg.text.length;
      return { message: `json_path: not a JSONPath query: ${(error as Error).message}`, index: 0, ...(column !== undefined ? { offset: 1 + Math.max(0, column - shift) } : {}) };
    }
  }
  if (name === 'regex' || name === 'regex_group') {
    try {
      toRegExp(arg.text);
    } catch (error) {
      return { message: `${name}: not a regular expression: ${(error as Error).message}`, index: 0 };
    }
  }
  if (name === 'get_index' && arg.text !== 'last' && !/^\d+$/.test(arg.text)) return { message: `get_index takes a position from 0 or 'last', found ${JSON.stringify(arg.text)}`, index: 0 };
  return undefined;
}

export function applyFilter(name: FilterName, input: Value, args: readonly Value[]): Value {
  const arg = args[0]?.kind === 'text' ? args[0].text : '';
  switch (name) {
    case 'json_path':
      return jsonPath(input, arg);
    case 'regex':
      return several([...single(input, name).matchAll(toRegExp(arg, 'g'))].map((match) => match[0]));
    case 'regex_group':
      return several([...single(input, name).matchAll(toRegExp(arg, 'g'))].flatMap((match) => match.slice(1).map((group) => group ?? '')));
    case 'get_index': {
      const items = input.kind === 'list' ? input.items : input.kind === 'nothing' ? [] : [input];
      const index = arg === 'last' ? items.length - 1 : Number(arg);
      if (index < 0 || index >= items.length) throw new EvalFailure(`get_index ${arg}: out of bounds for ${items.length} item${items.length === 1 ? '' : 's'}`);
      return items[index]!;
    }
    case 'length':
      if (input.kind === 'list') return textValue(String(input.items.length));
      if (input.kind === 'nothing') return textValue('0');
      if (typeName(input) !== 'string') throw new EvalFailure(`length takes a list or a string, found the ${typeName(input)} ${showValue(input)}`);
      return textValue(String([...input.text].length));
    case 'type':
      return textValue(typeName(input));
  }
}

function single(input: Value, name: string): string {
  if (input.kind === 'text') return input.text;
  throw new EvalFailure(`${name} takes a single value, found ${showValue(input)}`);
}

/** No result is nothing, one is itself, more are a list: as Tracetest's filters answer. */
function several(results: string[]): Value {
  if (results.length === 0) return NOTHING;
  if (results.length === 1) return textValue(results[0]!);
  return { kind: 'list', items: results.map(textValue) };
}

function jsonPath(input: Value, path: string): Value {
  const document = parseJson(single(input, 'json_path'));
  if (document === undefined) throw new EvalFailure(`json_path: ${showValue(input)} is not a JSON object or array`);
  const results = query(document as Parameters<typeof query>[0], normaliseJsonPath(path));
  if (results.length === 0) return NOTHING;
  if (results.length === 1) return jsonToValue(results[0]);
  return { kind: 'list', items: results.map(jsonToValue) };
}

/**
 * Tracetest's JSONPath library takes `.id` for `$.id` and `=` for `==` in
 * filters (its docs write `$[?(@.name = "x")]`); the standard (RFC 9535)
 * does not, so those are rewritten, outside quoted names and strings.
 */
export function normaliseJsonPath(path: string): string {
  let out = path.startsWith('$') ? '' : path.startsWith('.') || path.startsWith('[') ? '$' : '$.';
  let quote: string | undefined;
  for (let i = 0; i < path.length; i++) {
    const char = path[i]!;
    if (quote) {
      if (char === '\\') {
        out += char + (path[i + 1] ?? '');
        i++;
        continue;
      }
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '=' && !'=!<>'.includes(path[i - 1] ?? '') && path[i + 1] !== '=') {
      out += '==';
      continue;
    }
    out += char;
  }
  return out;
}

/** Go's regular expressions, mostly the same in JavaScript; a leading (?i), (?m) or (?s) becomes a flag. */
function toRegExp(pattern: string, flags = ''): RegExp {
  const inline = /^\(\?([ims]+)\)/.exec(pattern);
  return inline ? new RegExp(pattern.slice(inline[0].length), flags + inline[1]) : new RegExp(pattern, flags);
}
