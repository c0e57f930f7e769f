import { didYouMean } from '../text/suggest.js';
import { isTriggerAttribute, isUnknownSpecial, SELECTED_SPANS_COUNT, SPECIAL_ATTRIBUTES } from './attributes.js';
import { checkFilterArgument, FILTERS, type FilterName } from './filters.js';
import { COMPARATORS, type Comparator } from './values.js';

/**
 * The assertion language: Tracetest's expressions, as far as they mean
 * something for recorded traces.
 *
 *   assertion  = expr comparator expr
 *   comparator = "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "not-contains"
 *   expr       = term { ("+" | "-" | "*" | "/") term } { "|" filter { term } }
 *                                             arithmetic left to right, as Tracetest does it
 *   term       = "attr:" name                 an attribute of the span (special ones included)
 *              | number | duration            200, 1.5, 500ms, 2 s (units ns us ms s m h)
 *              | string                       "..." or '...', with ${expr} interpolated
 *              | "[" [ term { "," term } ] "]"
 *              | "true" | "false"
 *              | "var:" name | "env:" name     from the environment of tracelint's process
 *   filter     = json_path | regex | regex_group | get_index | length | type
 *
 * Each assertion is checked on every span the selector selected, and holds
 * when it holds on all of them.
 */
export interface Assertion {
  text: string;
  left: Expr;
  op: Comparator;
  right: Expr;
  /** Attribute names the assertion reads. */
  attributes: string[];
  /** Only about `tracetest.selected_spans.count`: checked once per trace, with or without spans. */
  countOnly: boolean;
  /** Reads the trigger's response, which tracelint does not have. */
  readsTrigger: boolean;
}

export type ArithmeticOperator = '+' | '-' | '*' | '/';

export interface Expr {
  first: Term;
  rest: Array<{ op: ArithmeticOperator; term: Term }>;
  filters: FilterCall[];
}

export type Term =
  | { kind: 'attribute'; name: string }
  | { kind: 'literal'; text: string }
  | { kind: 'string'; parts: Array<string | Expr> }
  | { kind: 'list'; items: Term[] };

export interface FilterCall {
  name: FilterName;
  args: Term[];
}

/** An assertion that does not parse; `offset` is where, in its text. */
export class AssertionSyntaxError extends Error {
  override name = 'AssertionSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface ParseOptions {
  /** Values of `var:` and `env:` names (tracelint reads them from its environment). */
  variables?: Readonly<Record<string, string | undefined>>;
}

type TokenKind = 'punct' | 'comparator' | 'operator' | 'number' | 'attribute' | 'variable' | 'string' | 'word' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
  offset: number;
}

const LEXEMES: Array<[TokenKind | 'space', RegExp]> = [
  ['space', /\s+/y],
  ['punct', /[(),|[\]]/y],
  ['comparator', /[!<>=~]+/y],
  ['number', /\d+(?:\.\d+)?(?: ?(?:ns|us|ms|s|m|h)(?![A-Za-z0-9_]))?/y],
  ['operator', /[+\-*/]/y],
  ['attribute', /attr:[A-Za-z0-9_][A-Za-z0-9_.-]*/y],
  ['variable', /(?:env|var):[A-Za-z0-9_][A-Za-z0-9_.]*/y],
  ['string', /"(?:\\"|[^"])*"|'(?:\\'|[^'])*'/y],
  // Dots too, so an attribute written without attr: is one word, named whole in the hint.
  ['word', /[A-Za-z][A-Za-z0-9_]*(?:[.-][A-Za-z0-9_]+)*/y],
];

function tokenize(text: string, base: number): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  outer: while (at < text.length) {
    for (const [kind, pattern] of LEXEMES) {
      pattern.lastIndex = at;
      const match = pattern.exec(text);
      if (!match) continue;
      if (kind !== 'space') tokens.push({ kind: kind === 'word' && (match[0] === 'contains' || match[0] === 'not-contains') ? 'comparator' : kind, text: match[0], offset: base + at });
      at += match[0].length;
      continue outer;
    }
    const quote = text[at] === '"' || text[at] === "'" ? text[at] : undefined;
    throw new AssertionSyntaxError(quote ? `unterminated string: expected a closing ${quote}` : `unexpected "${text[at]}"`, base + at);
  }
  tokens.push({ kind: 'end', text: '', offset: base + text.length });
  return tokens;
}

export function parseAssertion(text: string, options: ParseOptions = {}): Assertion {
  const parser = new AssertionParser(text, 0, options);
  const left = parser.expr();
  const op = parser.comparator();
  const right = parser.expr();
  parser.end();
  const attributes = [...parser.attributes];
  return {
    text,
    left,
    op,
    right,
    attributes,
    countOnly: attributes.every((name) => name === SELECTED_SPANS_COUNT),
    readsTrigger: attributes.some(isTriggerAttribute),
  };
}

class AssertionParser {
  private readonly tokens: Token[];
  private at = 0;
  readonly attributes = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly base: number,
    private readonly options: ParseOptions,
    attributes?: Set<string>,
  ) {
    this.tokens = tokenize(text, base);
    if (attributes) this.attributes = attributes;
  }

  expr(): Expr {
    const expr: Expr = { first: this.term(), rest: [], filters: [] };
    while (this.peek().kind === 'operator') {
      const op = this.next().text as ArithmeticOperator;
      expr.rest.push({ op, term: this.term() });
    }
    while (this.peek().text === '|' && this.peek().kind === 'punct') {
      this.next();
      expr.filters.push(this.filter());
    }
    return expr;
  }

  comparator(): Comparator {
    const token = this.peek();
    if (token.kind === 'comparator' && (COMPARATORS as readonly string[]).includes(token.text)) {
      this.next();
      return token.text as Comparator;
    }
    const shown = token.kind === 'end' ? ' at the end' : `, found "${token.text}"`;
    const hint = token.kind === 'comparator' || token.kind === 'word' ? didYouMean(token.text, token.text === '==' ? ['='] : COMPARATORS) : '';
    this.fail(`expected a comparator (${COMPARATORS.join(', ')})${shown}${hint}`, token);
  }

  end(): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    if (this.base > 0) this.fail(`expected "}" after the expression in \${...}, found "${token.text}" (an expression, not a comparison)`, token);
    this.fail(`expected the end of the assertion, found "${token.text}" (one comparator per assertion; write another assertion for another check)`, token);
  }

  private filter(): FilterCall {
    const token = this.next();
    if (token.kind !== 'word' || !(FILTERS as readonly string[]).includes(token.text)) {
      this.fail(`expected a filter (${FILTERS.join(', ')})${token.kind === 'end' ? ' at the end' : `, found "${token.text}"`}${token.kind === 'word' ? didYouMean(token.text, FILTERS) : ''}`, token);
    }
    const name = token.text as FilterName;
    const args: Array<{ term: Term; token: Token }> = [];
    while (this.startsTerm(this.peek())) {
      const start = this.peek();
      args.push({ term: this.term(), token: start });
    }
    const problem = checkFilterArgument(name, args.map((arg) => arg.term));
    if (problem) this.fail(problem.message, args[problem.index]?.token ?? token, problem.offset);
    return { name, args: args.map((arg) => arg.term) };
  }

  private startsTerm(token: Token): boolean {
    return token.kind === 'number' || token.kind === 'attribute' || token.kind === 'variable' || token.kind === 'string' || (token.kind === 'punct' && token.text === '[') || (token.kind === 'word' && (token.text === 'true' || token.text === 'false'));
  }

  private term(): Term {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', text: token.text.replace(' ', '') };
      case 'operator':
        if (token.text === '-' && this.peek().kind === 'number' && this.peek().offset === token.offset + 1 && /^[\d.]+$/.test(this.peek().text)) return { kind: 'literal', text: `-${this.next().text}` };
        break;
      case 'attribute':
        return this.attribute(token);
      case 'variable':
        return { kind: 'literal', text: this.variable(token) };
      case 'string':
        return this.string(token);
      case 'punct':
        if (token.text === '[') return this.list();
        break;
      case 'word':
        if (token.text === 'true' || token.text === 'false') return { kind: 'literal', text: token.text };
        if (this.peek().text === '(') this.fail(`${token.text}() is a function, which makes values for a trigger; tracelint checks recorded traces, so an assertion cannot use one`, token);
        this.fail(`expected a value: attr:NAME, a number, a duration, a "string" or a [list], found "${token.text}" (an attribute is written attr:${token.text})`, token);
    }
    this.fail(`expected a value: attr:NAME, a number, a duration, a "string" or a [list]${token.kind === 'end' ? ' at the end' : `, found "${token.text}"`}`, token);
  }

  private attribute(token: Token): Term {
    const name = token.text.slice('attr:'.length);
    if (isUnknownSpecial(name)) this.fail(`unknown special attribute "${name}"${didYouMean(name, SPECIAL_ATTRIBUTES)}`, token, 'attr:'.length);
    this.attributes.add(name);
    return { kind: 'attribute', name };
  }

  private variable(token: Token): string {
    const name = token.text.slice(4);
    const value = this.options.variables?.[name];
    if (value === undefined) this.fail(`${token.text} is not set: tracelint reads var: and env: names from its environment (export ${name}=...)`, token);
    return value!;
  }

  private string(token: Token): Term {
    const quote = token.text[0]!;
    const inner = token.text.slice(1, -1);
    const parts: Array<string | Expr> = [];
    let last = 0;
    // ${expr} as Tracetest finds it: up to the first "}" (scanned by hand; a regex would backtrack on "${${${").
    for (let open = inner.indexOf('${'); open !== -1; open = inner.indexOf('${', last)) {
      const close = inner.indexOf('}', open + 2);
      if (close === -1 || close === open + 2) break;
      if (open > last) parts.push(unescape(inner.slice(last, open), quote));
      const parser = new AssertionParser(inner.slice(open + 2, close), token.offset + 1 + open + 2, this.options, this.attributes);
      const expr = parser.expr();
      parser.end();
      parts.push(expr);
      last = close + 1;
    }
    if (last < inner.length || parts.length === 0) parts.push(unescape(inner.slice(last), quote));
    return parts.length === 1 && typeof parts[0] === 'string' ? { kind: 'literal', text: parts[0] } : { kind: 'string', parts };
  }

  private list(): Term {
    const items: Term[] = [];
    if (this.peek().text === ']') {
      this.next();
      return { kind: 'list', items };
    }
    for (;;) {
      items.push(this.term());
      const token = this.next();
      if (token.text === ']') return { kind: 'list', items };
      if (token.text !== ',') this.fail('expected "," or "]" in the list', token);
    }
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    const token = this.tokens[this.at]!;
    if (token.kind !== 'end') this.at++;
    return token;
  }

  private fail(message: string, token: Token, inside = 0): never {
    throw new AssertionSyntaxError(message, token.offset + inside);
  }
}

/** Tracetest keeps escapes in strings but for the quote: \" (or \') stands for it. */
function unescape(text: string, quote: string): string {
  return text.split(`\\${quote}`).join(quote);
}
