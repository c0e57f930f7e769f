/**
 * Literal values in SQL text, found with a small tokenizer rather than a
 * pattern, so every statement form is read the same way and placeholders,
 * identifiers and comments are told from data. One pass, linear in the text.
 *
 * A literal counts where data goes: compared (`= 'x'`, `> 5`, `LIKE 'a%'`,
 * `BETWEEN 1 AND 9`), listed (`IN ('a', 'b')`), inserted (`VALUES (1, 'x')`)
 * or assigned (`SET col = 'x'`). Placeholders (`?`, `$1`, `:name`, `@p1`,
 * `%s`) are not literals; neither are `LIMIT 10`, function arguments, or a
 * constant condition such as `1 = 1`. Double-quoted text is an identifier, as
 * standard SQL has it (MySQL without ANSI_QUOTES reads it as a string: such
 * literals are not seen).
 */

type TokenType = 'string' | 'number' | 'word' | 'placeholder' | 'operator' | 'open' | 'close' | 'comma' | 'other';

interface Token {
  type: TokenType;
  /** Uppercased for words, the text for operators. */
  text: string;
  start: number;
  end: number;
}

const COMPARISONS = new Set(['=', '==', '<>', '!=', '<', '>', '<=', '>=']);
const COMPARISON_WORDS = new Set(['LIKE', 'ILIKE', 'BETWEEN']);
const TYPED_LITERAL_WORDS = new Set(['DATE', 'TIME', 'TIMESTAMP', 'INTERVAL']);
/** How SQL statements start; anything else (Redis `SET k v`, a search DSL, JSON) is not read as SQL. */
const STATEMENT_STARTS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'WITH', 'MERGE', 'UPSERT', 'REPLACE', 'VALUES', 'CALL', 'EXEC', 'EXECUTE', 'BEGIN']);
/** Letters that prefix a string literal: E'…' (escapes), N'…' (national), X'…' and B'…' (hex and bits). */
const STRING_PREFIXES = new Set(['E', 'N', 'X', 'B']);

export interface SqlLiterals {
  /** How many literal values where data goes. */
  count: number;
  /** The text with every string and number literal replaced by '?', whitespace collapsed: safe to show. */
  sanitized: string;
  /** Where in `sanitized` the first literal that counts is (its '?'), or -1. */
  firstAt: number;
}

/** The literal values in a SQL statement, or undefined when the text is not SQL. */
export function findSqlLiterals(text: string): SqlLiterals | undefined {
  const tokens = tokenize(text);
  const first = tokens.find((token) => token.type !== 'open');
  if (!first || first.type !== 'word' || !STATEMENT_STARTS.has(first.text)) return undefined;
  const counted = countLiterals(tokens);
  return { count: counted.length, ...sanitize(text, tokens, counted[0]) };
}

/** The literals where data goes, in order. */
function countLiterals(tokens: Token[]): Token[] {
  const counted: Token[] = [];
  // Parentheses that hold data: opened right after VALUES or IN, or after a VALUES tuple and a comma.
  const dataDepths = new Set<number>();
  let depth = 0;
  let afterTuple = false;
  // BETWEEN x AND y: the AND of a BETWEEN introduces a compared value.
  let between = false;
  let betweenAnd = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const before = tokens[i - 1];
    if (token.type === 'open') {
      depth++;
      if (before && ((before.type === 'word' && (before.text === 'VALUES' || before.text === 'IN')) || (before.type === 'comma' && afterTuple))) dataDepths.add(depth);
      afterTuple = false;
      continue;
    }
    if (token.type === 'close') {
      afterTuple = dataDepths.has(depth) && tokens[openingOf(tokens, i) - 1]?.text !== 'IN';
      dataDepths.delete(depth);
      depth = Math.max(0, depth - 1);
      continue;
    }
    if (token.type !== 'comma') afterTuple = false;
    if (token.type === 'word') {
      if (token.text === 'BETWEEN') between = true;
      else if (token.text === 'AND' && between) {
        between = false;
        betweenAnd = true;
      }
      continue;
    }
    if (!isLiteral(token)) continue;
    if (dataDepths.has(depth) || isCompared(tokens, i) || (betweenAnd && tokens[valueStart(tokens, i) - 1]?.text === 'AND')) counted.push(token);
    betweenAnd = false;
  }
  return counted;
}

/** Where the '(' closed at `close` is (a backward walk over that group only, so each group is walked once). */
function openingOf(tokens: Token[], close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (tokens[i]!.type === 'close') depth++;
    else if (tokens[i]!.type === 'open' && --depth === 0) return i;
  }
  return 0;
}

function isLiteral(token: Token): boolean {
  return token.type === 'string' || token.type === 'number';
}

/** Where a value starts, before its sign (`-1`) or type (`DATE '2024-01-01'`). */
function valueStart(tokens: Token[], i: number): number {
  const before = tokens[i - 1];
  if (before && ((before.type === 'operator' && (before.text === '-' || before.text === '+')) || (before.type === 'word' && TYPED_LITERAL_WORDS.has(before.text)))) return i - 1;
  return i;
}

/** A literal after a comparison (`= 'x'`, `LIKE 'a%'`), but not a number compared with a number (`1 = 1`: a constant condition). */
function isCompared(tokens: Token[], i: number): boolean {
  const at = valueStart(tokens, i) - 1;
  const comparison = tokens[at];
  if (!comparison) return false;
  if (comparison.type === 'word') return COMPARISON_WORDS.has(comparison.text);
  if (!COMPARISONS.has(comparison.text)) return false;
  return !(tokens[i]!.type === 'number' && tokens[at - 1]?.type === 'number');
}

/** Every literal replaced by '?' and whitespace collapsed; `first` marked on the way, so its place survives the collapsing. */
function sanitize(text: string, tokens: Token[], first: Token | undefined): { sanitized: string; firstAt: number } {
  const MARK = '\u0000';
  let out = '';
  let from = 0;
  for (const token of tokens) {
    if (!isLiteral(token)) continue;
    out += `${text.slice(from, token.start).replaceAll(MARK, '')}${token === first ? MARK : '?'}`;
    from = token.end;
  }
  out += text.slice(from).replaceAll(MARK, '');
  const collapsed = out.replace(/\s+/g, ' ').trim();
  const firstAt = collapsed.indexOf(MARK);
  return { sanitized: firstAt === -1 ? collapsed : collapsed.replace(MARK, '?'), firstAt };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (type: TokenType, start: number, end: number, value = text.slice(start, end)): void => {
    tokens.push({ type, text: value, start, end });
  };
  while (i < text.length) {
    const c = text[i]!;
    const start = i;
    if (c === ' ' || c === '\n' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + 2;
    } else if (c === "'") {
      i = endOfQuoted(text, i, "'");
      push('string', start, i);
    } else if (c === '"' || c === '`') {
      i = endOfQuoted(text, i, c);
      push('word', start, i, text.slice(start, i));
    } else if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      i = endOfNumber(text, i);
      if (i < text.length && isWordChar(text[i]!)) {
        i = endOfWord(text, i);
        push('word', start, i, text.slice(start, i).toUpperCase());
      } else push('number', start, i);
    } else if (isWordStart(c)) {
      i = endOfWord(text, i);
      const word = text.slice(start, i).toUpperCase();
      if (text[i] === "'" && STRING_PREFIXES.has(word)) {
        i = endOfQuoted(text, i, "'");
        push('string', start, i);
      } else push('word', start, i, word);
    } else if (c === '?') {
      i++;
      while (i < text.length && isDigit(text[i]!)) i++;
      push('placeholder', start, i);
    } else if (c === '$' && isDigit(text[i + 1] ?? '')) {
      i = endOfWord(text, i + 1);
      push('placeholder', start, i);
    } else if ((c === ':' || c === '@') && isWordChar(text[i + 1] ?? '') && text[i - 1] !== ':') {
      // :name, :1 (bind variables), @p1, @name (T-SQL parameters); `::type` is a cast.
      i = endOfWord(text, i + 1);
      push('placeholder', start, i);
    } else if (c === '%' && (text[i + 1] === 's' || text[i + 1] === 'd' || text[i + 1] === '(')) {
      // %s, %d and %(name)s: the DB-API's parameter styles.
      const close = text[i + 1] === '(' ? text.indexOf(')', i) : i + 1;
      i = close === -1 ? i + 1 : Math.min(text.length, close + 2);
      push('placeholder', start, i);
    } else if (c === '(') {
      i++;
      push('open', start, i);
    } else if (c === ')') {
      i++;
      push('close', start, i);
    } else if (c === ',') {
      i++;
      push('comma', start, i);
    } else if (c === '<' || c === '>' || c === '=' || c === '!') {
      i++;
      if (text[i] === '=' || (c === '<' && text[i] === '>')) i++;
      push('operator', start, i);
    } else {
      i++;
      push(c === '-' || c === '+' ? 'operator' : 'other', start, i);
    }
  }
  return tokens;
}

/** After a quoted run opened at `open`; a doubled quote is an escaped one. */
function endOfQuoted(text: string, open: number, quote: string): number {
  let i = open + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return text.length;
}

function endOfNumber(text: string, i: number): number {
  if (text[i] === '0' && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
    i += 2;
    while (i < text.length && /[0-9a-fA-F]/.test(text[i]!)) i++;
    return i;
  }
  while (i < text.length && isDigit(text[i]!)) i++;
  if (text[i] === '.' && isDigit(text[i + 1] ?? '')) {
    i++;
    while (i < text.length && isDigit(text[i]!)) i++;
  }
  if ((text[i] === 'e' || text[i] === 'E') && (isDigit(text[i + 1] ?? '') || ((text[i + 1] === '-' || text[i + 1] === '+') && isDigit(text[i + 2] ?? '')))) {
    i += 2;
    while (i < text.length && isDigit(text[i]!)) i++;
  }
  return i;
}

function endOfWord(text: string, i: number): number {
  while (i < text.length && isWordChar(text[i]!)) i++;
  return i;
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isWordStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c > '\u007f';
}

function isWordChar(c: string): boolean {
  return isWordStart(c) || isDigit(c) || c === '$';
}
