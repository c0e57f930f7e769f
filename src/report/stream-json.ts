import { terminalSafeJson } from '../render/safe-text.js';

/**
 * `terminalSafeJson(value, undefined, 2)` as chunks, with one large array of
 * the value written an element at a time: the same text, byte for byte, without
 * ever holding it whole (a report of a million findings is gigabytes of text,
 * beyond V8's string limit). `path` names the array's place in `value`; its
 * elements are `each` of `items`, made one at a time as they are written.
 */
export function* prettyJsonChunks<T>(value: unknown, path: readonly string[], items: readonly T[], each: (item: T) => unknown): Generator<string> {
  if (items.length === 0) {
    yield terminalSafeJson(withArray(value, path, []), undefined, 2);
    return;
  }
  const text = terminalSafeJson(withArray(value, path, [PLACEHOLDER]), undefined, 2);
  const at = text.indexOf(JSON.stringify(PLACEHOLDER));
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const indent = text.slice(lineStart, at);
  yield text.slice(0, lineStart);
  for (let i = 0; i < items.length; i++) {
    // An element nested at this depth is its own pretty-printing with every line indented.
    yield `${indent}${terminalSafeJson(each(items[i]!), undefined, 2).replace(/\n/g, `\n${indent}`)}${i === items.length - 1 ? '' : ','}\n`;
  }
  yield text.slice(text.indexOf('\n', at) + 1);
}

/** Never a value of a report: a control character no JSON string of ours starts with. */
const PLACEHOLDER = '\u0000tracelint-items\u0000';

/** A copy of `value` with the array at `path` (keys, or indexes of arrays) replaced. */
function withArray(value: unknown, path: readonly string[], array: unknown[]): unknown {
  if (path.length === 0) return array;
  const [key, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, i) => (String(i) === key ? withArray(item, rest, array) : item));
  const object = value as Record<string, unknown>;
  return { ...object, [key!]: withArray(object[key!], rest, array) };
}

