import { terminalSafeJson } from '../render/safe-text.js';

/** Elements stringified together: one JSON.stringify call and one chunk for each this many. */
const BATCH = 256;

/**
 * `terminalSafeJson(value, undefined, 2)` as chunks, with one large array of
 * the value written a batch of elements at a time: the same text, byte for byte, without
 * ever holding it whole (a report of a million findings is gigabytes of text,
 * beyond V8's string limit). `path` names the array's place in `value`; its
 * elements are `each` of `items`, made a batch at a time as they are written.
 */
export function* prettyJsonChunks<T>(value: unknown, path: readonly string[], items: readonly T[], each: (item: T) => unknown): Generator<string> {
  if (items.length === 0) {
    yield terminalSafeJson(withArray(value, path, []), undefined, 2);
    return;
  }
  const text = terminalSafeJson(withArray(value, path, [PLACEHOLDER]), undefined, 2);
  const at = text.indexOf(JSON.stringify(PLACEHOLDER));
  const lineStart = text.lastIndexOf('\n', at) + 1;
  const depth = (at - lineStart) / 2;
  yield text.slice(0, lineStart);
  // A batch nested in depth - 1 arrays puts its elements at the depth they have in the value,
  // so JSON.stringify indents them as it would there: the text between the brackets is theirs.
  let open = '';
  let close = '';
  for (let level = 0; level < depth; level++) {
    open += `${' '.repeat(2 * level)}[\n`;
    close = `\n${' '.repeat(2 * level)}]${close}`;
  }
  for (let start = 0; start < items.length; start += BATCH) {
    const end = Math.min(start + BATCH, items.length);
    const batch: unknown[] = [];
    for (let i = start; i < end; i++) batch.push(each(items[i]!));
    let nested: unknown = batch;
    for (let level = 1; level < depth; level++) nested = [nested];
    const json = terminalSafeJson(nested, undefined, 2);
    yield `${json.slice(open.length, json.length - close.length)}${end === items.length ? '\n' : ',\n'}`;
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

