import { emptyAttributes, type Attributes, type AttributeValue, type SpanEvent } from './span.js';
import { valueFromClone } from './cloned.js';

/**
 * The span store's pools: strings by number, attributes, events. Growable
 * columns (typed arrays) whose batches can cross threads.
 */

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * A column's next size, at least `needed`: half as big again, not twice,
 * so a full store wastes at most a third of its columns (at ten million
 * spans, doubling left up to a gigabyte unused).
 */
export function grown(needed: number, least: number): number {
  let size = least;
  while (size < needed) size = Math.ceil(size * 1.5);
  return size;
}

/**
 * A column's next size when a reader expects `expected` in all: that many at
 * once, so it is made about once, not regrown and copied time after time; but
 * at least a sixteenth more than needed, so an estimate that keeps falling short
 * cannot make it grow one row at a time. With no estimate, `otherwise`.
 */
export function grownTo(needed: number, expected: number, otherwise: number): number {
  return expected > needed ? Math.max(expected, Math.ceil(needed * 1.0625)) : otherwise;
}

type Column = Uint8Array | Uint16Array | Uint32Array | BigInt64Array | Float64Array;

/**
 * A column of `size`, holding `column`'s values. On a SharedArrayBuffer, so
 * a second thread can read the whole store without a copy (lint/two-threads);
 * a batch cut from it with slice() is on a plain buffer, which transfers.
 */
export function resized<T extends Column>(column: T, size: number): T {
  const Kind = column.constructor as (new (buffer: SharedArrayBuffer) => T) & { BYTES_PER_ELEMENT: number };
  const next = new Kind(new SharedArrayBuffer(size * Kind.BYTES_PER_ELEMENT));
  next.set(column as never);
  return next;
}

export interface PoolBatch {
  keys: Uint32Array;
  tags: Uint8Array;
  values: Uint32Array;
  numbers: Float64Array;
  objects: AttributeValue[];
}

/** A pool as another thread reads it: its columns on their shared buffers, and its values that are objects (copied). */
export interface SharedPool extends Omit<PoolBatch, 'objects'> {
  length: number;
  numberCount: number;
  objects: readonly AttributeValue[];
}

export interface SharedEvents extends EventBatch {
  length: number;
}

export interface EventBatch {
  time: BigInt64Array;
  known: Uint8Array;
  nameOf: Uint32Array;
  attrFrom: Uint32Array;
  attrTo: Uint32Array;
  dropped: Uint32Array;
}

/**
 * Strings by number. Keys, names and short values are interned (a million
 * spans say "GET" once); long values are kept once each without a lookup,
 * as they rarely repeat. The lookup table is bounded: V8 Maps hold at most
 * 2^24 entries, and a table that big has stopped finding repeats.
 */
export class StringTable {
  readonly all: string[] = [];
  private readonly ids = new Map<string, number>();
  /** Characters of the strings held, once each. */
  characters = 0;

  id(text: string): number {
    if (text.length > MAX_INTERNED_LENGTH) {
      this.characters += text.length;
      return this.all.push(text) - 1;
    }
    let id = this.ids.get(text);
    if (id === undefined) {
      this.characters += text.length;
      id = this.all.push(text) - 1;
      if (this.ids.size < MAX_INTERNED) this.ids.set(text, id);
    }
    return id;
  }

  at(id: number): string {
    return this.all[id]!;
  }

  /**
   * The id of `text`'s characters from `from` to `to`, without holding
   * `text`: a string new to the table is kept as a copy of its own. The
   * strings met last are remembered by length and end characters and
   * compared in place, so a value seen a moment ago costs no slice. -1 when
   * the characters hold a control character (JSON text may not; the caller
   * reads raw JSON): every string given out was checked once.
   */
  idOfSlice(text: string, from: number, to: number): number {
    const length = to - from;
    if (length === 0) return this.id('');
    if (length > MAX_INTERNED_LENGTH) {
      const slice = text.slice(from, to);
      return CONTROL_CHARACTER.test(slice) ? -1 : this.id(ownCopy(slice));
    }
    const slot = (length * 31 + text.charCodeAt(from) * 7 + text.charCodeAt(to - 1)) & (RECENT_SLOTS - 1);
    const recent = this.recent[slot];
    if (recent !== undefined && recent.length === length && sameAt(text, from, recent)) return this.recentIds[slot]!;
    const slice = text.slice(from, to);
    if (CONTROL_CHARACTER.test(slice)) return -1;
    let id = this.ids.get(slice);
    if (id === undefined) id = this.id(ownCopy(slice));
    this.recent[slot] = this.all[id]!;
    this.recentIds[slot] = id;
    return id;
  }

  private readonly recent: Array<string | undefined> = new Array<string | undefined>(RECENT_SLOTS).fill(undefined);
  private readonly recentIds = new Uint32Array(RECENT_SLOTS);

  /** A table that reads the strings of another (SpanColumns.fromShared): for looking up by id only. */
  static readOnly(all: readonly string[]): StringTable {
    const table = new StringTable();
    (table as { all: readonly string[] }).all = all;
    return table;
  }
}

const MAX_INTERNED_LENGTH = 64;
const CONTROL_CHARACTER = /[\u0000-\u001f]/;

/**
 * Whether `text` has `pattern` at `at`. A loop of charCodeAt, which the
 * compiler inlines; startsWith with a position cuts a substring to compare
 * (a fifth of formats/otlp-plain's time when it was used there).
 */
export function sameAt(text: string, at: number, pattern: string): boolean {
  if (at + pattern.length > text.length) return false;
  for (let k = 0; k < pattern.length; k++) if (text.charCodeAt(at + k) !== pattern.charCodeAt(k)) return false;
  return true;
}
/** Strings idOfSlice remembers (a power of two). */
const RECENT_SLOTS = 1024;

/**
 * A string of its own with the characters of `slice`, a string cut from a
 * bigger one with no quote, backslash or control character in it. V8 makes a
 * slice of 13 characters or more a view of the whole text (a line of many
 * spans), which a kept slice would keep alive; JSON.parse makes a new string.
 */
export function ownCopy(slice: string): string {
  return slice.length < 13 ? slice : (JSON.parse(`"${slice}"`) as string);
}
const MAX_INTERNED = 4_000_000;

/** Attribute values by type, in the pool's `tag` column; what its `values` column holds for each. */
const TAG_STRING = 0; // a string id
const TAG_NUMBER = 1; // an index into `numbers`
const TAG_TRUE = 2;
const TAG_FALSE = 3;
const TAG_NULL = 4;
/** Bigints, bytes, arrays and kvlists: kept as the decoder made them, in `objects` (the index). */
const TAG_OBJECT = 5;
/** A whole number from 0 to 2^32 - 1 (status codes, ports, counts): the value itself. */
const TAG_UINT32 = 6;

/** Every span's and event's attributes in one pool: key, type and value, in insertion order; nine bytes an attribute. */
export class AttributePool {
  length = 0;
  private keys = new Uint32Array(0);
  private tags = new Uint8Array(0);
  private values = new Uint32Array(0);
  private numbers = new Float64Array(0);
  private numberCount = 0;
  private readonly objects: AttributeValue[] = [];

  get bytes(): number {
    return this.keys.byteLength + this.tags.byteLength + this.values.byteLength + this.numbers.byteLength;
  }

  add(attributes: Attributes, strings: StringTable): void {
    for (const key in attributes) this.put(strings.id(key), attributes[key]!, strings);
  }

  /** One attribute after the others: its key's string id and its value. */
  put(key: number, value: AttributeValue, strings: StringTable): void {
    const i = this.length;
    if (i === this.keys.length) this.grow(i + 1);
    this.length++;
    this.keys[i] = key;
    switch (typeof value) {
      case 'string':
        this.tags[i] = TAG_STRING;
        this.values[i] = strings.id(value);
        break;
      case 'number':
        if (value >>> 0 === value && !Object.is(value, -0)) {
          this.tags[i] = TAG_UINT32;
          this.values[i] = value;
        } else {
          this.tags[i] = TAG_NUMBER;
          this.values[i] = this.addNumber(value);
        }
        break;
      case 'boolean':
        this.tags[i] = value ? TAG_TRUE : TAG_FALSE;
        break;
      default:
        if (value === null) this.tags[i] = TAG_NULL;
        else {
          this.tags[i] = TAG_OBJECT;
          this.values[i] = this.objects.push(value) - 1;
        }
    }
  }

  /** The string id of the key of the attribute at `i`. */
  keyAt(i: number): number {
    return this.keys[i]!;
  }

  /** A string attribute whose key and value are string ids already. */
  putString(key: number, value: number): void {
    const i = this.length;
    if (i === this.keys.length) this.grow(i + 1);
    this.length++;
    this.keys[i] = key;
    this.tags[i] = TAG_STRING;
    this.values[i] = value;
  }

  /** The pool for another thread: its columns as they are (shared buffers), not cut (see SpanColumns.toShared). */
  toShared(): SharedPool {
    return { length: this.length, keys: this.keys, tags: this.tags, values: this.values, numbers: this.numbers, numberCount: this.numberCount, objects: this.objects };
  }

  /** The pool of toShared, posted: its columns read as they are, its objects made model values again (cloned.ts). */
  static fromShared(shared: SharedPool): AttributePool {
    const pool = new AttributePool();
    Object.assign(pool, shared, { objects: shared.objects.map(valueFromClone) });
    return pool;
  }

  toBatch(): PoolBatch {
    return { keys: this.keys.slice(0, this.length), tags: this.tags.slice(0, this.length), values: this.values.slice(0, this.length), numbers: this.numbers.slice(0, this.numberCount), objects: this.objects };
  }

  /** A batch's attributes after these, its string ids made this table's (`strings`, by the batch's id). */
  absorb(batch: PoolBatch, strings: Uint32Array): void {
    const n = batch.keys.length;
    const base = this.length;
    if (this.keys.length < base + n) this.grow(base + n);
    this.length += n;
    const objectBase = this.objects.length;
    for (const value of batch.objects) this.objects.push(valueFromClone(value));
    const numberBase = this.numberCount;
    for (const number of batch.numbers) this.addNumber(number);
    this.tags.set(batch.tags, base);
    for (let i = 0; i < n; i++) {
      this.keys[base + i] = strings[batch.keys[i]!]!;
      const tag = batch.tags[i];
      const value = batch.values[i]!;
      this.values[base + i] = tag === TAG_STRING ? strings[value]! : tag === TAG_OBJECT ? value + objectBase : tag === TAG_NUMBER ? value + numberBase : value;
    }
  }

  read(from: number, to: number, strings: StringTable): Attributes {
    const attributes = emptyAttributes();
    for (let i = from; i < to; i++) {
      const key = strings.at(this.keys[i]!);
      switch (this.tags[i]) {
        case TAG_STRING:
          attributes[key] = strings.at(this.values[i]!);
          break;
        case TAG_UINT32:
          attributes[key] = this.values[i]!;
          break;
        case TAG_NUMBER:
          attributes[key] = this.numbers[this.values[i]!]!;
          break;
        case TAG_TRUE:
          attributes[key] = true;
          break;
        case TAG_FALSE:
          attributes[key] = false;
          break;
        case TAG_NULL:
          attributes[key] = null;
          break;
        default:
          attributes[key] = this.objects[this.values[i]!]!;
      }
    }
    return attributes;
  }

  private addNumber(value: number): number {
    if (this.numberCount === this.numbers.length) this.numbers = resized(this.numbers, grown(this.numberCount + 1, 1024));
    this.numbers[this.numberCount] = value;
    return this.numberCount++;
  }

  /** Attributes a reader expects in all: see SpanColumns.expect. */
  expected = 0;

  private grow(needed: number): void {
    this.resize(grownTo(needed, this.expected, grown(needed, 4096)));
  }

  private resize(size: number): void {
    this.keys = resized(this.keys, size);
    this.tags = resized(this.tags, size);
    this.values = resized(this.values, size);
  }
}

/** Span events in columns: time, name, the attributes' place in the pool, dropped count. */
export class EventColumns {
  length = 0;
  private time = new BigInt64Array(0);
  private known = new Uint8Array(0);
  private nameOf = new Uint32Array(0);
  private attrFrom = new Uint32Array(0);
  private attrTo = new Uint32Array(0);
  private dropped = new Uint32Array(0);

  get bytes(): number {
    return this.time.byteLength + this.known.byteLength + this.nameOf.byteLength + this.attrFrom.byteLength + this.attrTo.byteLength + this.dropped.byteLength;
  }

  add(event: SpanEvent, pool: AttributePool, strings: StringTable, wide: Map<number, bigint>): void {
    const from = pool.length;
    pool.add(event.attributes, strings);
    this.put(event.timeUnixNano, strings.id(event.name), event.droppedAttributesCount, from, pool.length, wide);
  }

  /** An event whose attributes are in the pool from `attrFrom` to `attrTo`. */
  put(time: bigint | undefined, name: number, droppedAttributesCount: number, attrFrom: number, attrTo: number, wide: Map<number, bigint>): void {
    const i = this.length;
    if (i === this.time.length) this.grow();
    this.length++;
    if (time === undefined) this.known[i] = 0;
    else if (time >= INT64_MIN && time <= INT64_MAX) {
      this.known[i] = 1;
      this.time[i] = time;
    } else {
      this.known[i] = 2;
      wide.set(i, time);
    }
    this.nameOf[i] = name;
    this.attrFrom[i] = attrFrom;
    this.attrTo[i] = attrTo;
    this.dropped[i] = droppedAttributesCount;
  }

  toShared(): SharedEvents {
    return { length: this.length, time: this.time, known: this.known, nameOf: this.nameOf, attrFrom: this.attrFrom, attrTo: this.attrTo, dropped: this.dropped };
  }

  static fromShared(shared: SharedEvents): EventColumns {
    const events = new EventColumns();
    Object.assign(events, shared);
    return events;
  }

  toBatch(): EventBatch {
    const n = this.length;
    return { time: this.time.slice(0, n), known: this.known.slice(0, n), nameOf: this.nameOf.slice(0, n), attrFrom: this.attrFrom.slice(0, n), attrTo: this.attrTo.slice(0, n), dropped: this.dropped.slice(0, n) };
  }

  absorb(batch: EventBatch, strings: Uint32Array, attrBase: number): void {
    const n = batch.time.length;
    const base = this.length;
    if (this.time.length < base + n) this.grow(base + n);
    this.length += n;
    this.time.set(batch.time, base);
    this.known.set(batch.known, base);
    this.dropped.set(batch.dropped, base);
    for (let i = 0; i < n; i++) {
      this.nameOf[base + i] = strings[batch.nameOf[i]!]!;
      this.attrFrom[base + i] = batch.attrFrom[i]! + attrBase;
      this.attrTo[base + i] = batch.attrTo[i]! + attrBase;
    }
  }

  read(i: number, pool: AttributePool, strings: StringTable, wide: Map<number, bigint>): SpanEvent {
    const known = this.known[i];
    return {
      timeUnixNano: known === 0 ? undefined : known === 1 ? this.time[i]! : wide.get(i),
      name: strings.at(this.nameOf[i]!),
      attributes: pool.read(this.attrFrom[i]!, this.attrTo[i]!, strings),
      droppedAttributesCount: this.dropped[i]!,
    };
  }

  private grow(needed = this.time.length + 1): void {
    const size = grown(needed, 1024);
    this.time = resized(this.time, size);
    this.known = resized(this.known, size);
    this.nameOf = resized(this.nameOf, size);
    this.attrFrom = resized(this.attrFrom, size);
    this.attrTo = resized(this.attrTo, size);
    this.dropped = resized(this.dropped, size);
  }
}
