import { hexDigits8 } from './ids.js';
import { ORPHAN, ROOT, SELF_PARENT, type TraceTree } from './trace-tree.js';

/** One row's packed ids, read from the store's columns. */
export interface PackedIdColumns {
  spanHi: Uint32Array;
  spanLo: Uint32Array;
  parentHi: Uint32Array;
  parentLo: Uint32Array;
  /** Whether the row has a parent id. */
  hasParent(row: number): boolean;
}

/**
 * The tree (trace-tree) of the spans in `rows` from the store's packed ids,
 * every one of them with a packed span id (and parent id, if any): undefined
 * when two of them share a span id, which treeOfIds handles. Ids go in an
 * open-addressed table of positions; an id is a pair of 32-bit halves, equal
 * ids equal pairs. A map of id strings costs a cache miss or two a lookup in
 * a big trace, and every id hashed: on one trace of 1M spans this is 2.8x
 * faster (bench/trace-tree.mjs).
 */
export function packedTree(rows: Uint32Array, ids: PackedIdColumns): TraceTree | undefined {
  // Each loop is alone in its function: V8 (Node 20) compiles a long loop while it runs, and when
  // the first trace is a big one, code after the loop that never ran made every later trace leave
  // the compiled code (see SummaryBuilder.addSpans).
  const table = idTable(rows, ids);
  if (table === undefined) return undefined;
  const find = (hi: number, lo: number): number => findIn(table, rows, ids, hi, lo);
  return {
    codes: treeCodes(rows, ids, find),
    find(spanId) {
      if (spanId.length !== 16) return -1;
      const hi = hexDigits8(spanId, 0);
      const lo = hi < 0 ? -1 : hexDigits8(spanId, 8);
      return lo < 0 ? -1 : find(hi, lo);
    },
  };
}

/** The positions of `rows` by span id, open-addressed (capacity a power of two, at least twice the rows); undefined when two rows share an id. */
function idTable(rows: Uint32Array, ids: PackedIdColumns): Int32Array | undefined {
  const { spanHi, spanLo } = ids;
  let capacity = 16;
  while (capacity < rows.length * 2) capacity *= 2;
  const mask = capacity - 1;
  const table = new Int32Array(capacity).fill(-1);
  for (let at = 0; at < rows.length; at++) {
    const row = rows[at]!;
    const hi = spanHi[row]!;
    const lo = spanLo[row]!;
    let slot = slotOf(hi, lo, mask);
    for (let other = table[slot]!; other !== -1; other = table[slot]!) {
      const otherRow = rows[other]!;
      if (spanHi[otherRow] === hi && spanLo[otherRow] === lo) return undefined;
      slot = (slot + 1) & mask;
    }
    table[slot] = at;
  }
  return table;
}

/** The position of the row with span id (hi, lo), or -1. */
function findIn(table: Int32Array, rows: Uint32Array, ids: PackedIdColumns, hi: number, lo: number): number {
  const mask = table.length - 1;
  for (let slot = slotOf(hi, lo, mask), at = table[slot]!; at !== -1; slot = (slot + 1) & mask, at = table[slot]!) {
    const row = rows[at]!;
    if (ids.spanHi[row] === hi && ids.spanLo[row] === lo) return at;
  }
  return -1;
}

/** Each row's tree parent position, or ROOT, ORPHAN, SELF_PARENT. */
function treeCodes(rows: Uint32Array, ids: PackedIdColumns, find: (hi: number, lo: number) => number): Int32Array {
  const codes = new Int32Array(rows.length);
  for (let at = 0; at < rows.length; at++) {
    const row = rows[at]!;
    if (!ids.hasParent(row)) {
      codes[at] = ROOT;
      continue;
    }
    const parent = find(ids.parentHi[row]!, ids.parentLo[row]!);
    codes[at] = parent === -1 ? ORPHAN : parent === at ? SELF_PARENT : parent;
  }
  return codes;
}

function slotOf(hi: number, lo: number, mask: number): number {
  // Ids are random, but not always (counters, test ids): mix both halves.
  const h = Math.imul(hi ^ Math.imul(lo, 0x85ebca6b), 0x9e3779b1);
  return (h ^ (h >>> 15)) & mask;
}
