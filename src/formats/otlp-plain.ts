import { hexDigits8 } from '../model/ids.js';
import { emptyAttributes, type Attributes, type AttributeValue, type InstrumentationScope, type Resource, type SpanLink } from '../model/span.js';
import { attributeValueOf, linksOf, resourceOf, scopeOf } from './otlp.js';
import type { SpanColumns, WrittenSpan } from '../model/store.js';
import { INT64_MAX, sameAt } from '../model/store-columns.js';
import { sampledFromOtlpFlags, sdkFillsTraceFlags } from './trace-flags.js';

/**
 * One OTLP JSON line of the plain shape the Collector's file exporter and the
 * SDKs write, decoded straight into the span store: no JSON.parse, no Span
 * objects, no position scan — reading was most of check's time, and most of
 * it went to making objects only to copy them into columns.
 *
 * Plain means: one `resourceSpans` request; camelCase fields, each once;
 * resource before its scopeSpans, scope before its spans; ids of normal
 * form; times as decimal strings within 64 bits; escapes in free text only
 * (names, values), not in keys; no trace state or dropped counts on spans;
 * no nulls; spaces the only whitespace. Attribute values of the four simple
 * kinds are read here; other values (arrays, kvlists, bytes) and links are
 * cut out, parsed and decoded by the general path's own rules. Anything else returns
 * undefined with nothing added, and the line takes the general path
 * (JSON.parse, the decoder, its errors), whose spans these are, field for
 * field (tested against it line by line).
 */
export function decodePlainLine(text: string, lineNumber: number, firstColumn: number, file: string, store: SpanColumns): number | undefined {
  const mark = store.mark();
  try {
    return new PlainLine(text, lineNumber, firstColumn, file, store).request();
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    store.rollback(mark);
    return undefined;
  }
}

/** Thrown (and caught above) where the line stops being plain. */
const NOT_PLAIN = new Error('not a plain OTLP JSON line');

const QUOTE = 0x22;
const COMMA = 0x2c;
const SPACE = 0x20;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

const CANONICAL_SAFE_INTEGER = /^(?:0|-?[1-9]\d{0,14})$/;
const LONG_DIGITS = /\d{16}/;
/** A time as a string of 1 to 19 decimal digits. */
const TIME = /"[0-9]{1,19}"/y;
const STRING_VALUE = '","value":{"stringValue":"';
const INT_VALUE = '","value":{"intValue":"';
/** An attribute as exporters write it: a key neither empty nor index-like, a string or a canonical safe integer (as CANONICAL_SAFE_INTEGER), no escapes. */
const COMPACT_ATTRIBUTE = /\{"key":"[^"\\0-9][^"\\]*","value":\{"(?:stringValue":"[^"\\]*|intValue":"(?:0|-?[1-9]\d{0,14}))"\}\}/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class PlainLine {
  private i = 0;
  /** The last string read: text[from, to). */
  private from = 0;
  private to = 0;
  private spans = 0;
  private readonly span: WrittenSpan;
  private readonly emptyString: number;
  /** Whether the line has a backslash: then strings are read with their escapes (slower), else cut out as they are. */
  private readonly escapes: boolean;
  /** Whether the last string read has an escape; the next backslash in the line, from where strings were last looked at. */
  private escaped = false;
  private nextBackslash = -1;
  /** The trace id of the span before, to compare the next one's with in place. */
  private lastTraceId = '';

  constructor(
    private readonly text: string,
    lineNumber: number,
    private readonly firstColumn: number,
    private readonly file: string,
    private readonly store: SpanColumns,
  ) {
    this.escapes = text.indexOf('\\') !== -1;
    this.emptyString = store.stringId('', 0, 0);
    this.span = { traceId: '', spanHi: 0, spanLo: 0, parent: false, parentHi: 0, parentLo: 0, name: 0, kind: 0, status: 0, statusMessage: 0, start: undefined, end: undefined, flags: undefined, sampled: undefined, resource: 0, scope: 0, file: store.fileRef(file, 'otlp-jsonl'), line: lineNumber, column: 0, attrStart: 0, attrEnd: 0, eventStart: 0, links: undefined };
  }

  /** `{"resourceSpans": [...]}` and nothing after it; the spans added. */
  request(): number {
    if (!this.firstKey() || this.keyBit(REQUEST_KEYS) !== 1) throw NOT_PLAIN;
    for (let more = this.firstElement(); more; more = this.nextElement()) this.resourceSpans();
    if (this.nextKey()) throw NOT_PLAIN;
    this.skipSpaces();
    if (this.i !== this.text.length) throw NOT_PLAIN;
    return this.spans;
  }

  private resourceSpans(): void {
    let resource: Resource | undefined;
    let seen = 0;
    for (let more = this.firstKey(); more; more = this.nextKey()) {
      const bit = this.newKey(RESOURCE_SPANS_KEYS, seen);
      seen |= bit;
      if (bit === 1) {
        // A resource after its spans would have been theirs.
        if (seen & 2) throw NOT_PLAIN;
        resource = this.resource();
      } else if (bit === 2) {
        resource ??= resourceOf(emptyAttributes(), 0);
        for (let next = this.firstElement(); next; next = this.nextElement()) this.scopeSpans(resource);
      } else this.schemaUrl();
    }
  }

  private resource(): Resource {
    let attributes: Attributes | undefined;
    let dropped = 0;
    let seen = 0;
    for (let more = this.firstKey(); more; more = this.nextKey()) {
      const bit = this.newKey(RESOURCE_KEYS, seen);
      seen |= bit;
      if (bit === 1) attributes = this.objectAttributes();
      else dropped = this.count();
    }
    return resourceOf(attributes ?? emptyAttributes(), dropped);
  }

  private scopeSpans(resource: Resource): void {
    let scope: InstrumentationScope | undefined;
    let seen = 0;
    for (let more = this.firstKey(); more; more = this.nextKey()) {
      const bit = this.newKey(SCOPE_SPANS_KEYS, seen);
      seen |= bit;
      if (bit === 1) {
        if (seen & 2) throw NOT_PLAIN;
        scope = this.scope();
      } else if (bit === 2) {
        let resourceNumber = -1;
        let scopeNumber = -1;
        let fillsTraceFlags = false;
        for (let next = this.firstElement(); next; next = this.nextElement()) {
          if (resourceNumber === -1) {
            resourceNumber = this.store.resourceRef(resource);
            scopeNumber = this.store.scopeRef((scope ??= scopeOf('', undefined, undefined)));
            fillsTraceFlags = sdkFillsTraceFlags(resource);
          }
          this.spanObject(resourceNumber, scopeNumber, fillsTraceFlags);
        }
      } else this.schemaUrl();
    }
  }

  private scope(): InstrumentationScope {
    let name = '';
    let version: string | undefined;
    let attributes: Attributes | undefined;
    let seen = 0;
    for (let more = this.firstKey(); more; more = this.nextKey()) {
      const bit = this.newKey(SCOPE_KEYS, seen);
      seen |= bit;
      if (bit === 1) name = this.ownString();
      else if (bit === 2) version = this.ownString();
      else if (bit === 4) attributes = this.objectAttributes();
      else this.count();
    }
    return scopeOf(name, version, attributes);
  }

  private spanObject(resource: number, scope: number, fillsTraceFlags: boolean): void {
    const { store, span } = this;
    this.skipSpaces();
    span.column = this.i + this.firstColumn;
    span.parent = false;
    span.name = this.emptyString;
    span.kind = 0;
    span.status = 0;
    span.statusMessage = 0;
    span.start = undefined;
    span.end = undefined;
    span.flags = undefined;
    span.sampled = undefined;
    span.resource = resource;
    span.scope = scope;
    span.attrStart = -1;
    span.eventStart = -1;
    span.links = undefined;
    let seen = 0;
    for (let more = this.firstKey(); more; more = this.nextKey()) {
      const bit = this.newKey(SPAN_KEYS, seen);
      seen |= bit;
      switch (bit) {
        case SPAN_TRACE_ID:
          this.string();
          span.traceId = this.traceId();
          break;
        case SPAN_SPAN_ID:
          this.string();
          this.spanId();
          span.spanHi = this.idHi;
          span.spanLo = this.idLo;
          break;
        case SPAN_PARENT_ID:
          this.string();
          if (this.to === this.from) break;
          this.spanId();
          span.parentHi = this.idHi;
          span.parentLo = this.idLo;
          span.parent = true;
          break;
        case SPAN_TRACE_STATE:
          this.string();
          if (this.to !== this.from) throw NOT_PLAIN;
          break;
        case SPAN_NAME:
          this.string();
          span.name = this.textId();
          break;
        case SPAN_KIND:
          span.kind = this.smallInteger(5);
          break;
        case SPAN_START:
          span.start = this.time();
          break;
        case SPAN_END:
          span.end = this.time();
          break;
        case SPAN_ATTRIBUTES:
          // A span's attributes come before its events' in the pool.
          if (span.eventStart !== -1) throw NOT_PLAIN;
          span.attrStart = store.attributeCount;
          this.columnAttributes();
          span.attrEnd = store.attributeCount;
          break;
        case SPAN_EVENTS:
          if (span.attrStart === -1) span.attrStart = span.attrEnd = store.attributeCount;
          span.eventStart = store.eventCount;
          for (let next = this.firstElement(); next; next = this.nextElement()) this.event();
          break;
        case SPAN_LINKS:
          span.links = this.links();
          break;
        case SPAN_STATUS:
          this.status();
          break;
        case SPAN_FLAGS:
          span.flags = this.count();
          span.sampled = sampledFromOtlpFlags(span.flags, fillsTraceFlags);
          break;
        default:
          // The dropped counts: the general path keeps a span with any beside its columns.
          if (this.count() !== 0) throw NOT_PLAIN;
      }
    }
    if (!(seen & SPAN_TRACE_ID) || !(seen & SPAN_SPAN_ID)) throw NOT_PLAIN;
    if (span.attrStart === -1) span.attrStart = span.attrEnd = store.attributeCount;
    if (span.eventStart === -1) span.eventStart = store.eventCount;
    store.addRow(span);
    this.spans++;
  }

  /** The halves of the span id spanId() read last. */
  private idHi = 0;
  private idLo = 0;

  /** The span id just read, of normal form (16 lowercase hex digits, not all zero), as two 32-bit halves. */
  private spanId(): void {
    if (this.to - this.from !== 16) throw NOT_PLAIN;
    this.idHi = hexDigits8(this.text, this.from);
    this.idLo = hexDigits8(this.text, this.from + 8);
    if (this.idHi < 0 || this.idLo < 0 || (this.idHi === 0 && this.idLo === 0)) throw NOT_PLAIN;
  }

  /** The trace id just read, of normal form: the span before's when equal (spans of a trace come together), else checked and cut out. */
  private traceId(): string {
    const { text, from, to } = this;
    if (to - from !== 32) throw NOT_PLAIN;
    const last = this.lastTraceId;
    if (last.length === 32 && sameAt(text, from, last)) return last;
    let any = 0;
    for (let c = 0; c < 4; c++) {
      const value = hexDigits8(text, from + c * 8);
      if (value < 0) throw NOT_PLAIN;
      any |= value;
    }
    if (any === 0) throw NOT_PLAIN;
    return (this.lastTraceId = text.slice(from, to));
  }

  private event(): void {
    const { store } = this;
    const attrFrom = store.attributeCount;
    let time: bigint | undefined;
    let name = this.emptyString;
    let dropped = 0;
    let seen = 0;
    for (let more = this.firstKey(); more; more = this.nextKey()) {
      const bit = this.newKey(EVENT_KEYS, seen);
      seen |= bit;
      if (bit === 1) time = this.time();
      else if (bit === 2) {
        this.string();
        name = this.textId();
      } else if (bit === 4) this.columnAttributes();
      else dropped = this.count();
    }
    store.putEvent(time, name, dropped, attrFrom, store.attributeCount);
  }

  private status(): void {
    const { span, store } = this;
    let seen = 0;
    for (let more = this.firstKey(); more; more = this.nextKey()) {
      const bit = this.newKey(STATUS_KEYS, seen);
      seen |= bit;
      if (bit === 1) span.status = this.smallInteger(2);
      else {
        this.string();
        span.statusMessage = this.to === this.from ? 0 : this.textId() + 1;
      }
    }
  }

  /** Attributes of a span or event, into the store's pool. */
  private columnAttributes(): void {
    const { store } = this;
    const first = store.attributeCount;
    for (let more = this.firstElement(); more; more = this.nextElement()) {
      const key = this.compactAttribute() ?? this.attribute();
      // Equal keys: an object keeps the last value in the first key's place.
      for (let i = first; i < store.attributeCount; i++) if (store.attributeKeyAt(i) === key) throw NOT_PLAIN;
      if (this.valueInText) store.putStringAttribute(key, this.textId());
      else store.putAttribute(key, this.value);
    }
  }

  /** Attributes of a resource or scope, as the map the general path makes. */
  private objectAttributes(): Attributes {
    const { store } = this;
    const attributes = emptyAttributes();
    for (let more = this.firstElement(); more; more = this.nextElement()) {
      const name = store.stringAt(this.compactAttribute() ?? this.attribute());
      if (attributes[name] !== undefined) throw NOT_PLAIN;
      attributes[name] = this.valueInText ? store.stringAt(this.textId()) : this.value;
    }
    return attributes;
  }

  /** The value of the attribute last read; when `valueInText`, a string whose characters are (from, to). */
  private value: AttributeValue = 0;
  private valueInText = false;

  /**
   * `{"key":"k","value":{"stringValue":"v"}}` or `…{"intValue":"7"}}` as
   * exporters write them, with no spaces or escapes: matched by one sticky
   * regular expression (native code: a fifth of the time of comparing the
   * characters here), as attribute() would read it. Undefined, having read
   * nothing, for any other.
   */
  private compactAttribute(): number | undefined {
    const { text } = this;
    if (this.escapes) return undefined;
    this.skipSpaces();
    const start = this.i;
    COMPACT_ATTRIBUTE.lastIndex = start;
    if (!COMPACT_ATTRIBUTE.test(text)) return undefined;
    const end = COMPACT_ATTRIBUTE.lastIndex;
    const keyFrom = start + 8;
    const keyTo = text.indexOf('"', keyFrom);
    if (keyTo - keyFrom === 9 && sameAt(text, keyFrom, '__proto__')) return undefined;
    // "stringValue" or "intValue", told apart by the letter after `","value":{"`.
    const isString = text.charCodeAt(keyTo + 12) === 0x73;
    const valueFrom = keyTo + (isString ? STRING_VALUE.length : INT_VALUE.length);
    const valueTo = end - 3;
    this.valueInText = isString;
    if (!isString) this.value = Number(text.slice(valueFrom, valueTo));
    this.from = keyFrom;
    this.to = keyTo;
    const key = this.textId();
    this.from = valueFrom;
    this.to = valueTo;
    this.i = end;
    return key;
  }

  /**
   * `{"key": "k", "value": {"stringValue": "v"}}` (or boolValue, intValue,
   * doubleValue): the key's string id, the value in `value`.
   */
  private attribute(): number {
    let key = -1;
    let valueFrom = 0;
    let valueTo = 0;
    let valueEscaped = false;
    let seen = 0;
    for (let more = this.firstKey(); more; more = this.nextKey()) {
      const bit = this.newKey(ATTRIBUTE_KEYS, seen);
      seen |= bit;
      if (bit === 1) {
        this.string();
        // Index-like keys go first in an object, whatever their place: not plain. Nor is __proto__, nor a key with escapes.
        const c = this.text.charCodeAt(this.from);
        if (this.escaped || this.to === this.from || (c >= 0x30 && c <= 0x39) || this.is('__proto__')) throw NOT_PLAIN;
        key = this.textId();
      } else {
        this.anyValue();
        valueFrom = this.from;
        valueTo = this.to;
        valueEscaped = this.escaped;
      }
    }
    if (seen !== 3) throw NOT_PLAIN;
    // The value's string is the one textId reads next, whichever field came last.
    this.from = valueFrom;
    this.to = valueTo;
    this.escaped = valueEscaped;
    return key;
  }

  /**
   * An AnyValue into `value`: the four simple kinds, of one field, read here;
   * any other kind (arrays, kvlists, bytes) parsed on its own and decoded as
   * the general path decodes it (attributeValueOf).
   */
  private anyValue(): void {
    this.skipSpaces();
    const start = this.i;
    if (!this.firstKey()) throw NOT_PLAIN;
    this.valueInText = false;
    switch (this.keyBit(VALUE_KEYS)) {
      case 1:
        this.string();
        this.valueInText = true;
        break;
      case 2:
        this.value = this.boolean();
        break;
      case 4: {
        this.skipSpaces();
        if (this.text.charCodeAt(this.i) === QUOTE) {
          this.string();
          const digits = this.text.slice(this.from, this.to);
          if (!CANONICAL_SAFE_INTEGER.test(digits)) throw NOT_PLAIN;
          this.value = Number(digits);
        } else {
          const n = this.number();
          if (!Number.isSafeInteger(n)) throw NOT_PLAIN;
          this.value = n;
        }
        break;
      }
      case 8:
        this.value = this.number();
        break;
      default:
        this.i = start;
        this.value = this.parsedValue();
        return;
    }
    const { from, to } = this;
    if (this.nextKey()) throw NOT_PLAIN;
    this.from = from;
    this.to = to;
  }

  /** The object value at `i`, cut out, parsed and decoded by the general path's rules. */
  private parsedValue(): AttributeValue {
    const value = attributeValueOf(this.cutOut(), this.file);
    if (value === undefined) throw NOT_PLAIN;
    return value;
  }

  /** A span's links, none when the list is empty; others cut out, parsed and decoded by the general path's rules. */
  private links(): readonly SpanLink[] | undefined {
    this.skipSpaces();
    const start = this.i;
    if (!this.firstElement()) return undefined;
    this.i = start;
    const links = linksOf(this.cutOut(), this.file);
    if (links === undefined) throw NOT_PLAIN;
    return links;
  }

  /** The object or list at `i`, parsed on its own; `i` moves past it. */
  private cutOut(): unknown {
    const { text } = this;
    let depth = 0;
    let end = -1;
    for (let j = this.i; j < text.length; j++) {
      const c = text.charCodeAt(j);
      if (c === QUOTE) j = this.stringEnd(j + 1);
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (--depth === 0) {
          end = j + 1;
          break;
        }
      }
    }
    if (end === -1) throw NOT_PLAIN;
    const slice = text.slice(this.i, end);
    // Integers too long for a double: the general path reads them exactly from the text.
    if (LONG_DIGITS.test(slice)) throw NOT_PLAIN;
    let parsed: unknown;
    try {
      parsed = JSON.parse(slice);
    } catch {
      throw NOT_PLAIN;
    }
    this.i = end;
    return parsed;
  }

  // The grammar: objects of known keys, lists, strings, numbers, booleans; spaces between.

  /** Opens an object; false when it is empty, else a key follows. */
  private firstKey(): boolean {
    return this.first(OPEN_OBJECT, CLOSE_OBJECT);
  }

  /** After a value: false at the object's end, else a key follows. */
  private nextKey(): boolean {
    return this.next(CLOSE_OBJECT);
  }

  /** Opens a list; false when it is empty. */
  private firstElement(): boolean {
    return this.first(OPEN_ARRAY, CLOSE_ARRAY);
  }

  /** After an element: false at the list's end. */
  private nextElement(): boolean {
    return this.next(CLOSE_ARRAY);
  }

  private first(open: number, close: number): boolean {
    this.open(open);
    this.skipSpaces();
    if (this.text.charCodeAt(this.i) === close) {
      this.i++;
      return false;
    }
    return true;
  }

  private next(close: number): boolean {
    this.skipSpaces();
    const c = this.text.charCodeAt(this.i++);
    if (c === close) return false;
    if (c !== COMMA) throw NOT_PLAIN;
    return true;
  }

  /** The bit of the next key among `keys`, not seen before in this object; the key and its colon are read. */
  private newKey(keys: KeyTable, seen: number): number {
    const bit = this.keyBit(keys);
    if (bit === 0 || seen & bit) throw NOT_PLAIN;
    return bit;
  }

  /** The bit of the next key among `keys` (its colon read too), or 0, having read nothing, when it is none of them. */
  private keyBit(keys: KeyTable): number {
    const { text } = this;
    this.skipSpaces();
    const start = this.i;
    keys.pattern.lastIndex = start;
    if (!keys.pattern.test(text)) return 0;
    const end = keys.pattern.lastIndex;
    // The key's closing quote, before the colon and any spaces.
    let quote = end - 2;
    while (text.charCodeAt(quote) === SPACE) quote--;
    const bucket = keys.byLength[quote - start - 1]!;
    this.i = end;
    if (bucket.at === -1) return bucket.bits[0]!;
    const c = text.charCodeAt(start + 1 + bucket.at);
    for (let k = 0; k < bucket.chars.length; k++) if (bucket.chars[k] === c) return bucket.bits[k]!;
    return 0;
  }

  /** Whether the last string read is `name`. */
  private is(name: string): boolean {
    return this.to - this.from === name.length && sameAt(this.text, this.from, name);
  }

  private open(c: number): void {
    this.skipSpaces();
    if (this.text.charCodeAt(this.i) !== c) throw NOT_PLAIN;
    this.i++;
  }

  private skipSpaces(): void {
    while (this.text.charCodeAt(this.i) === SPACE) this.i++;
  }

  /** A string, its characters as written left in (from, to); `escaped` when they hold an escape. */
  private string(): void {
    this.open(QUOTE);
    const end = this.stringEnd(this.i);
    this.from = this.i;
    this.to = end;
    this.i = end + 1;
    if (this.escapes) {
      if (this.nextBackslash < this.from) this.nextBackslash = this.text.indexOf('\\', this.from);
      this.escaped = this.nextBackslash !== -1 && this.nextBackslash < end;
    }
  }

  /** Where the string whose characters start at `from` ends: the first quote not escaped. */
  private stringEnd(from: number): number {
    const { text } = this;
    let quote = text.indexOf('"', from);
    if (this.escapes) {
      for (; quote !== -1; quote = text.indexOf('"', quote + 1)) {
        let backslashes = 0;
        for (let j = quote - 1; j >= from && text.charCodeAt(j) === 0x5c; j--) backslashes++;
        if (backslashes % 2 === 0) break;
      }
    }
    if (quote === -1) throw NOT_PLAIN;
    return quote;
  }

  /**
   * The string id of the last string read. Strings of free text are read
   * through here, where a control character (which JSON.parse refuses) is
   * found; the others are checked by their own form (ids, digits, known keys).
   */
  private textId(): number {
    if (this.escaped) {
      // JSON.parse reads the escapes (and refuses bad ones, and control characters).
      let decoded: string;
      try {
        decoded = JSON.parse(this.text.slice(this.from - 1, this.to + 1)) as string;
      } catch {
        throw NOT_PLAIN;
      }
      return this.store.stringIdOf(decoded);
    }
    const id = this.store.stringId(this.text, this.from, this.to);
    if (id < 0) throw NOT_PLAIN;
    return id;
  }

  /** A schema URL, read and dropped (the general path reads none). */
  private schemaUrl(): void {
    this.string();
    this.textId();
  }

  /** A string kept apart from the line (a scope's name and version). */
  private ownString(): string {
    this.string();
    return this.store.stringAt(this.textId());
  }

  private boolean(): boolean {
    this.skipSpaces();
    if (sameAt(this.text, this.i, 'true')) {
      this.i += 4;
      return true;
    }
    if (sameAt(this.text, this.i, 'false')) {
      this.i += 5;
      return false;
    }
    throw NOT_PLAIN;
  }

  /** A JSON number; one of 16 characters or more is not plain (the general path reads long integers exactly). */
  private number(): number {
    this.skipSpaces();
    NUMBER.lastIndex = this.i;
    if (!NUMBER.test(this.text)) throw NOT_PLAIN;
    const end = NUMBER.lastIndex;
    if (end - this.i >= 16) throw NOT_PLAIN;
    const value = Number(this.text.slice(this.i, end));
    this.i = end;
    return value;
  }

  /** A whole number from 0 to `max` (an enum's number). */
  private smallInteger(max: number): number {
    const n = this.number();
    if (!Number.isInteger(n) || n < 0 || n > max) throw NOT_PLAIN;
    return n;
  }

  /** A count: a whole number from 0 to 2^32 - 1, as a JSON number. */
  private count(): number {
    const n = this.number();
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw NOT_PLAIN;
    return n;
  }

  /** A time: decimal digits in a string, within 64 bits; 0 is unknown. */
  private time(): bigint | undefined {
    this.skipSpaces();
    TIME.lastIndex = this.i;
    if (!TIME.test(this.text)) throw NOT_PLAIN;
    const end = TIME.lastIndex;
    const time = BigInt(this.text.slice(this.i + 1, end - 1));
    this.i = end;
    if (time > INT64_MAX) throw NOT_PLAIN;
    return time === 0n ? undefined : time;
  }
}

/**
 * The known keys of an object: one sticky pattern that reads any of them
 * (quote, name, quote, spaces, colon: native code, where comparing characters
 * here cost a fifth of the plain path), then which one, by its length and,
 * where several share a length, by a character at which they all differ.
 */
interface KeyTable {
  pattern: RegExp;
  byLength: ReadonlyArray<{ at: number; chars: readonly number[]; bits: readonly number[] } | undefined>;
}

function keyTable(names: readonly string[]): KeyTable {
  const byLength: Array<{ at: number; chars: number[]; bits: number[] } | undefined> = [];
  const groups = new Map<number, string[]>();
  for (const name of names) groups.set(name.length, [...(groups.get(name.length) ?? []), name]);
  for (const [length, group] of groups) {
    const at = group.length === 1 ? -1 : [...Array(length).keys()].find((i) => new Set(group.map((name) => name[i])).size === group.length);
    if (at === undefined) throw new Error(`keys of one length with no character to tell them apart: ${group.join(', ')}`);
    byLength[length] = { at, chars: group.map((name) => (at === -1 ? 0 : name.charCodeAt(at))), bits: group.map((name) => 1 << names.indexOf(name)) };
  }
  return { pattern: new RegExp(`"(?:${names.join('|')})" *:`, 'y'), byLength };
}

const REQUEST_KEYS = keyTable(['resourceSpans']);
const RESOURCE_SPANS_KEYS = keyTable(['resource', 'scopeSpans', 'schemaUrl']);
const RESOURCE_KEYS = keyTable(['attributes', 'droppedAttributesCount']);
const SCOPE_SPANS_KEYS = keyTable(['scope', 'spans', 'schemaUrl']);
const SCOPE_KEYS = keyTable(['name', 'version', 'attributes', 'droppedAttributesCount']);
const EVENT_KEYS = keyTable(['timeUnixNano', 'name', 'attributes', 'droppedAttributesCount']);
const STATUS_KEYS = keyTable(['code', 'message']);
const ATTRIBUTE_KEYS = keyTable(['key', 'value']);
const VALUE_KEYS = keyTable(['stringValue', 'boolValue', 'intValue', 'doubleValue']);
// The span's keys, in the order of the SPAN_ bits.
const SPAN_KEYS = keyTable([
  'traceId', 'spanId', 'parentSpanId', 'traceState', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano',
  'attributes', 'events', 'links', 'status', 'flags', 'droppedAttributesCount', 'droppedEventsCount', 'droppedLinksCount',
]);
const SPAN_TRACE_ID = 1;
const SPAN_SPAN_ID = 2;
const SPAN_PARENT_ID = 4;
const SPAN_TRACE_STATE = 8;
const SPAN_NAME = 16;
const SPAN_KIND = 32;
const SPAN_START = 64;
const SPAN_END = 128;
const SPAN_ATTRIBUTES = 256;
const SPAN_EVENTS = 512;
const SPAN_LINKS = 1024;
const SPAN_STATUS = 2048;
const SPAN_FLAGS = 4096;
