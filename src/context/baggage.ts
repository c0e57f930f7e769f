import { decodeUtf8Replacing, percentDecode } from './percent.js';
import { error, note, result, warning, type HeaderProblem, type ParseResult } from './problem.js';

/**
 * W3C Baggage: comma-separated `key=value` members, each optionally followed
 * by `;key` or `;key=value` properties, spaces and tabs allowed around the
 * separators. Keys are RFC 7230 tokens; values (of members and properties) are
 * baggage-octets with anything else percent-encoded, decoded as UTF-8 with
 * U+FFFD for what is not. The grammar allows 180 list-members; 64 members and
 * 8192 bytes are what every platform must propagate, so beyond them receivers
 * may drop members (a warning, not an error).
 */
export interface BaggageMember {
  key: string;
  /** Percent-decoded (UTF-8). */
  value: string;
  rawValue: string;
  properties: BaggageProperty[];
  offset: number;
}

export interface BaggageProperty {
  key: string;
  /** Percent-decoded (UTF-8), for `key=value` properties. */
  value?: string;
  rawValue?: string;
}

const B = 'W3C Baggage';
const SECTION = {
  header: `${B} §3.3.1 Definition (baggage-string, list-member)`,
  key: `${B} §3.3.1.2 key (RFC 7230 token)`,
  value: `${B} §3.3.1.3 value (baggage-octet, percent-encoding)`,
  property: `${B} §3.3.1.4 property`,
  limits: `${B} §3.3.2 Limits`,
};

/** `list-member 0*179( OWS "," OWS list-member )`. */
const GRAMMAR_MAX_MEMBERS = 180;
/** §3.3.2: what a platform MUST propagate; beyond either it MAY drop list-members. */
const PROPAGATED_MEMBERS = 64;
const PROPAGATED_BYTES = 8192;

const TOKEN_CHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;

function isBaggageOctet(code: number): boolean {
  // %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
  return code === 0x21 || (code >= 0x23 && code <= 0x2b) || (code >= 0x2d && code <= 0x3a) || (code >= 0x3c && code <= 0x5b) || (code >= 0x5d && code <= 0x7e);
}

export function parseBaggage(text: string): ParseResult<BaggageMember[]> {
  const problems: HeaderProblem[] = [];
  const members: BaggageMember[] = [];
  const blank = text.trim() === '';
  // Every list-member written counts towards the limits, well formed or not.
  const memberOffsets: number[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf(',', start);
    if (end === -1) end = text.length;
    const [a, b] = trim(text, start, end);
    if (a === b) {
      if (!blank) problems.push(error(text, a, 'a list-member (key=value) between commas', SECTION.header));
    } else {
      if (memberOffsets.length <= GRAMMAR_MAX_MEMBERS) memberOffsets.push(a);
      const member = parseMember(text, a, b, problems);
      if (member) members.push(member);
    }
    start = end + 1;
  }
  const count = memberOffsets.length > GRAMMAR_MAX_MEMBERS ? countMembers(text) : memberOffsets.length;
  if (count > GRAMMAR_MAX_MEMBERS) {
    problems.push(error(text, memberOffsets[GRAMMAR_MAX_MEMBERS]!, `at most ${GRAMMAR_MAX_MEMBERS} list-members, the most the grammar allows (list-member 0*179( OWS "," OWS list-member )); found ${count}`, SECTION.header));
  } else if (count > PROPAGATED_MEMBERS) {
    problems.push(warning(memberOffsets[PROPAGATED_MEMBERS]!, `${count} list-members`, `at most ${PROPAGATED_MEMBERS} list-members for all of them to be sure to arrive: a platform MUST propagate ${PROPAGATED_MEMBERS} and MAY drop list-members beyond that`, SECTION.limits));
  }
  const bytes = Buffer.byteLength(text);
  if (bytes > PROPAGATED_BYTES) {
    problems.push(warning(offsetOfByte(text, PROPAGATED_BYTES), `${bytes} bytes`, `at most ${PROPAGATED_BYTES} bytes for all list-members to be sure to arrive: a platform MUST propagate ${PROPAGATED_BYTES} bytes and MAY drop list-members until the baggage-string is within them`, SECTION.limits));
  }
  if (members.length === 0 && blank) problems.push(note(0, 'an empty value', 'at least one list-member', SECTION.header));
  return result(members, problems);
}

/** The list-members (non-empty items between commas) in text, counted without keeping their offsets. */
function countMembers(text: string): number {
  let count = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf(',', start);
    if (end === -1) end = text.length;
    const [a, b] = trim(text, start, end);
    if (a < b) count++;
    start = end + 1;
  }
  return count;
}

/** The offset of the character holding byte `byte` of the text's UTF-8 encoding. */
function offsetOfByte(text: string, byte: number): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A surrogate pair is 4 bytes over 2 code units; a lone surrogate encodes as U+FFFD, 3 bytes.
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 3;
    if (bytes > byte) return i;
  }
  return text.length;
}

function trim(text: string, a: number, b: number): [number, number] {
  while (a < b && (text[a] === ' ' || text[a] === '\t')) a++;
  while (b > a && (text[b - 1] === ' ' || text[b - 1] === '\t')) b--;
  return [a, b];
}

function parseMember(text: string, a: number, b: number, problems: HeaderProblem[]): BaggageMember | undefined {
  const parts = splitOn(text, a, b, ';');
  const [first, ...rest] = parts;
  const pair = parsePair(text, first![0], first![1], problems, SECTION.key);
  if (!pair || pair.value === undefined) {
    if (pair) problems.push(error(text, first![1], "'=' and a value after the key", SECTION.header));
    return undefined;
  }
  const decoded = decodeValue(text, pair.valueOffset!, pair.value, problems, SECTION.value);
  if (decoded === undefined) return undefined;
  const properties: BaggageProperty[] = [];
  for (const [pa, pb] of rest) {
    const property = parsePair(text, pa, pb, problems, SECTION.property);
    if (!property) return undefined;
    if (property.value === undefined) {
      properties.push({ key: property.key });
      continue;
    }
    // §3.3.1.4: the rules for baggage values also apply to the value of a key=value property.
    const value = decodeValue(text, property.valueOffset!, property.value, problems, SECTION.property);
    if (value === undefined) return undefined;
    properties.push({ key: property.key, value, rawValue: property.value });
  }
  return { key: pair.key, value: decoded, rawValue: pair.value, properties, offset: a };
}

function splitOn(text: string, a: number, b: number, separator: string): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  let start = a;
  for (let i = a; i <= b; i++) {
    if (i === b || text[i] === separator) {
      parts.push(trim(text, start, i));
      start = i + 1;
    }
  }
  return parts;
}

function parsePair(text: string, a: number, b: number, problems: HeaderProblem[], section: string): { key: string; value?: string; valueOffset?: number } | undefined {
  // Searched within the pair only: a search to the end of the text would make many members quadratic.
  let eq = a;
  while (eq < b && text.charCodeAt(eq) !== 0x3d) eq++;
  if (eq === b) eq = -1;
  const keyEnd = eq === -1 ? b : eq;
  const [ka, kb] = trim(text, a, keyEnd);
  if (ka === kb) {
    problems.push(error(text, ka, 'a key (an RFC 7230 token)', section));
    return undefined;
  }
  for (let i = ka; i < kb; i++) {
    if (!TOKEN_CHAR.test(text[i]!)) {
      problems.push(error(text, i, 'a token character in the key (letters, digits and !#$%&\'*+-.^_`|~)', section));
      return undefined;
    }
  }
  const key = text.slice(ka, kb);
  if (eq === -1) return { key };
  const [va, vb] = trim(text, eq + 1, b);
  for (let i = va; i < vb; i++) {
    if (!isBaggageOctet(text.charCodeAt(i))) {
      problems.push(error(text, i, 'a baggage-octet (printable ASCII except space, " , ; \\), percent-encode anything else', section === SECTION.key ? SECTION.value : section));
      return undefined;
    }
  }
  return { key, value: text.slice(va, vb), valueOffset: va };
}

/**
 * A value (of a member or a property) percent-decoded as UTF-8. A '%' that
 * starts no escape is an error: "The percent code point (U+0025) MUST be
 * percent-encoded". Bytes that are not UTF-8 are not: "percent-encoded octet
 * sequences that do not match the UTF-8 encoding scheme MUST be replaced with
 * the replacement code point (U+FFFD)", which is done and noted.
 */
function decodeValue(text: string, offset: number, value: string, problems: HeaderProblem[], section: string): string | undefined {
  if (!value.includes('%')) return value;
  const decoded = percentDecode(text, offset, offset + value.length);
  if (!decoded.ok) {
    problems.push(error(text, decoded.badEscape, "'%' followed by two hex digits (a '%' in a value MUST itself be percent-encoded, as %25)", section));
    return undefined;
  }
  const { text: utf8, firstInvalid } = decodeUtf8Replacing(decoded.units);
  if (firstInvalid !== -1) {
    problems.push(note(decoded.origins[firstInvalid]!, 'percent-encoded bytes that are not UTF-8', 'UTF-8; a decoder MUST replace sequences that are not with U+FFFD, as done in the decoded value', section));
  }
  return utf8;
}
