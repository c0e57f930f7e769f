import { didYouMean } from '../text/suggest.js';
import { isUnknownSpecial, SPECIAL_ATTRIBUTES } from './attributes.js';
import { COMPARATORS, type Comparator } from './values.js';

/**
 * The selector language: Tracetest's, in one place.
 *
 *   selector   = ""                             every span of the trace
 *              | path { "," path }              the spans any path selects (each once)
 *   path       = compound { " " compound }      descendant combinator: each compound is
 *                                               looked for below the spans the one before selected
 *   compound   = "span[" [ condition { [","] condition } ] "]" [ pseudo ]
 *                                               every condition must hold
 *   condition  = property operator value
 *   property   = word { "." word }              word = [A-Za-z0-9_][A-Za-z0-9_-]*
 *                                               `name` and `kind` are the span's own; any other
 *                                               is an attribute (resource attributes included,
 *                                               special attributes such as tracetest.span.type too)
 *   operator   = "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "not-contains"
 *   value      = string | number | duration | "true" | "false"
 *   string     = '"' chars '"' | "'" chars "'"    (\" and \' stand for the quote)
 *   number     = [ "-" ] digits [ "." digits ]
 *   duration   = digits [ "." digits ] unit       unit = ns | us | ms | s | m | h
 *   pseudo     = ":first" | ":last" | ":nth_child(" n ")"
 *                                               the first, last or n-th (from 1) of the spans the
 *                                               compound selected, in trace order
 *
 * Trace order is Tracetest's: depth first from the root, children by start time.
 */
export interface Selector {
  text: string;
  /** Alternatives (`,`); each a chain of compounds joined by the descendant combinator. Empty: every span. */
  paths: Compound[][];
}

export interface Compound {
  conditions: Condition[];
  pseudo?: Pseudo;
}

export interface Condition {
  property: string;
  op: Comparator;
  /** The literal as text (strings unquoted), typed from its text as every value is. */
  value: string;
  /** Where the property starts in the selector text. */
  offset: number;
}

export type Pseudo = { kind: 'first' } | { kind: 'last' } | { kind: 'nth_child'; n: number };

/**
 * Where a number or duration written at `start` ends (`-12`, `1.5`, `200ms`), or `start` when
 * there is none. Scanned by hand: a regex with a lookahead after `\d+` backtracks over long digit runs.
 */
function numberEnd(text: string, start: number): number {
  const digits = (from: number): number => {
    let i = from;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    return i;
  };
  let at = text[start] === '-' ? start + 1 : start;
  const whole = digits(at);
  if (whole === at) return start;
  at = whole;
  if (text[at] === '.' && digits(at + 1) > at + 1) at = digits(at + 1);
  const unit = ['ns', 'us', 'ms', 's', 'm', 'h'].find((candidate) => text.startsWith(candidate, at));
  if (unit) at += unit.length;
  return /[A-Za-z0-9_]/.test(text[at] ?? '') ? start : at;
}

/** A selector that does not parse; `offset` is where, in its text. */
export class SelectorSyntaxError extends Error {
  override name = 'SelectorSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const WORD = /[A-Za-z0-9_][A-Za-z0-9_-]*/y;
const PSEUDO_CLASSES = [':first', ':last', ':nth_child'];

export function parseSelector(text: string): Selector {
  return new SelectorParser(text).parse();
}

class SelectorParser {
  private at = 0;

  constructor(private readonly text: string) {}

  parse(): Selector {
    this.skipSpace();
    if (this.at === this.text.length) return { text: this.text, paths: [] };
    const paths: Compound[][] = [this.path()];
    while (this.peek() === ',') {
      this.at++;
      this.skipSpace();
      paths.push(this.path());
    }
    if (this.at < this.text.length) this.fail(`expected "," or the end of the selector`);
    return { text: this.text, paths };
  }

  private path(): Compound[] {
    const compounds = [this.compound()];
    for (;;) {
      const before = this.at;
      this.skipSpace();
      if (this.at === this.text.length || this.peek() === ',') return compounds;
      if (this.at === before) this.fail('expected a space before the next span[...] (the descendant combinator), "," or the end');
      compounds.push(this.compound());
    }
  }

  private compound(): Compound {
    if (!this.text.startsWith('span', this.at)) this.fail('expected span[...]');
    this.at += 4;
    if (this.peek() !== '[') this.fail(this.at === this.text.length || /\s|,/.test(this.peek()) ? 'expected "[" after span (span[] selects every span, as does an empty selector)' : 'expected "[" after span');
    this.at++;
    const conditions: Condition[] = [];
    this.skipSpace();
    while (this.peek() !== ']') {
      if (this.at === this.text.length) this.fail('expected "]" to close span[');
      conditions.push(this.condition());
      this.skipSpace();
      if (this.peek() === ',') {
        this.at++;
        this.skipSpace();
      }
    }
    this.at++;
    const compound: Compound = { conditions };
    if (this.peek() === ':') compound.pseudo = this.pseudo();
    return compound;
  }

  private condition(): Condition {
    const offset = this.at;
    const property = this.property();
    this.skipSpace();
    const op = this.operator();
    this.skipSpace();
    return { property, op, value: this.value(), offset };
  }

  private property(): string {
    const words = [this.word('an attribute name, such as service.name')];
    while (this.peek() === '.') {
      this.at++;
      words.push(this.word('an attribute name after "."'));
    }
    const property = words.join('.');
    if (isUnknownSpecial(property)) {
      this.at -= property.length;
      this.fail(`unknown special attribute "${property}"${didYouMean(property, SPECIAL_ATTRIBUTES)}`, false);
    }
    return property;
  }

  private word(expected: string): string {
    WORD.lastIndex = this.at;
    const match = WORD.exec(this.text);
    if (!match) this.fail(`expected ${expected}`);
    this.at += match![0].length;
    return match![0];
  }

  private operator(): Comparator {
    const start = this.at;
    const symbols = /[!<>=~]+/y;
    symbols.lastIndex = start;
    const symbol = symbols.exec(this.text)?.[0];
    const found = symbol ?? /[A-Za-z_-]*/y.exec(this.text.slice(start))?.[0] ?? '';
    if ((COMPARATORS as readonly string[]).includes(found)) {
      this.at += found.length;
      return found as Comparator;
    }
    const hint = found === '' ? '' : didYouMean(found, found === '==' ? ['='] : COMPARATORS);
    this.fail(`expected an operator (${COMPARATORS.join(', ')})${found ? `, found "${found}"` : ''}${hint}`);
  }

  private value(): string {
    const quote = this.peek();
    if (quote === '"' || quote === "'") return this.quoted(quote);
    const end = numberEnd(this.text, this.at);
    if (end > this.at) {
      const number = this.text.slice(this.at, end);
      this.at = end;
      return number;
    }
    for (const word of ['true', 'false']) {
      if (this.text.startsWith(word, this.at) && !/[A-Za-z0-9_]/.test(this.text[this.at + word.length] ?? '')) {
        this.at += word.length;
        return word;
      }
    }
    this.fail('expected a value: a "string", a number, a duration such as 200ms, true or false');
  }

  private quoted(quote: string): string {
    const start = this.at;
    let value = '';
    for (let i = start + 1; i < this.text.length; i++) {
      const char = this.text[i]!;
      if (char === '\\' && this.text[i + 1] === quote) {
        value += quote;
        i++;
      } else if (char === quote) {
        this.at = i + 1;
        return value;
      } else value += char;
    }
    this.at = start;
    this.fail(`unterminated string: expected a closing ${quote}`);
  }

  private pseudo(): Pseudo {
    const start = this.at;
    const name = `:${/[A-Za-z_-]*/y.exec(this.text.slice(start + 1))?.[0] ?? ''}`;
    if (name === ':first' || name === ':last') {
      this.at += name.length;
      return { kind: name.slice(1) as 'first' | 'last' };
    }
    if (name !== ':nth_child') this.fail(`expected a pseudo-class (:first, :last, :nth_child(n))${name.length > 1 ? `, found "${name}"${didYouMean(name, PSEUDO_CLASSES)}` : ''}`);
    this.at += name.length;
    const match = /\(\s*(\d+)\s*\)/y.exec(this.text.slice(this.at));
    if (!match || Number(match[1]) < 1) this.fail('expected (n) after :nth_child, n a position counted from 1');
    this.at += match![0].length;
    return { kind: 'nth_child', n: Number(match![1]) };
  }

  private peek(): string {
    return this.text[this.at] ?? '';
  }

  private skipSpace(): void {
    while (/\s/.test(this.peek())) this.at++;
  }

  /** Fails at the current position; the message says what is there unless it names it already. */
  private fail(message: string, showWhere = !message.includes(', found "')): never {
    const found = this.at < this.text.length ? ` at "${this.text.slice(this.at, this.at + 12)}"` : ' at the end';
    throw new SelectorSyntaxError(showWhere ? `${message}${found}` : message, this.at);
  }
}
