import { error, note, result, type HeaderProblem, type ParseResult } from './problem.js';

/**
 * W3C Baggage: comma-separated `key=value` members, each optionally followed
 * by `;property` or `;key=value` properties, spaces and tabs allowed around
 * the separators. Keys are RFC 7230 tokens; values are baggage-octets with
 * anything else percent-encoded. At most 64 members and 8192 bytes.
 */
export interface BaggageMember {
  key: string;
  /** Percent-decoded (UTF-8). */
  value: string;
  rawValue: string;
  properties: Array<{ key: string; value?: string }>;
  offset: number;
}

const B = 'W3C Baggage';
const SECTION = {
  header: `${B} §3.2 Definition (baggage-string, list-member)`,
  key: `${B} §3.2.1.1 key (RFC 7230 token)`,
  value: `${B} §3.2.1.2 value (baggage-octet, percent-encoding)`,
  property: `${B} §3.2.1.3 property`,
  limits: `${B} §3.3 Limits`,
};

const TOKEN_CHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;

function isBaggageOctet(code: number): boolean {
  // %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
  return code === 0x21 || (code >= 0x23 && code <= 0x2b) || (code >= 0x2d && code <= 0x3a) || (code >= 0x3c && code <= 0x5b) || (code >= 0x5d && code <= 0x7e);
}

export function parseBaggage(text: string): ParseResult<BaggageMember[]> {
  const problems: HeaderProblem[] = [];
  const members: BaggageMember[] = [];
  const blank = text.trim() === '';
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf(',', start);
    if (end === -1) end = text.length;
    const [a, b] = trim(text, start, end);
    if (a === b) {
      if (!blank) problems.push(error(text, a, 'a list-member (key=value) between commas', SECTION.header));
    } else {
      const member = parseMember(text, a, b, problems);
      if (member) members.push(member);
    }
    start = end + 1;
  }
  if (members.length > 64) problems.push(error(text, members[64]!.offset, `at most 64 list-members (found ${members.length})`, SECTION.limits));
  const bytes = Buffer.byteLength(text);
  if (bytes > 8192) problems.push(error(text, 8192, `at most 8192 bytes (found ${bytes})`, SECTION.limits));
  if (members.length === 0 && blank) problems.push(note(0, 'an empty value', 'at least one list-member', SECTION.header));
  return result(members, problems);
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
  const decoded = percentDecode(text, pair.valueOffset!, pair.value, problems);
  if (decoded === undefined) return undefined;
  const properties: BaggageMember['properties'] = [];
  for (const [pa, pb] of rest) {
    const property = parsePair(text, pa, pb, problems, SECTION.property);
    if (!property) return undefined;
    properties.push(property.value === undefined ? { key: property.key } : { key: property.key, value: property.value });
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
      problems.push(error(text, i, 'a baggage-octet (printable ASCII except space, " , ; \\), percent-encode anything else', SECTION.value));
      return undefined;
    }
  }
  return { key, value: text.slice(va, vb), valueOffset: va };
}

function percentDecode(text: string, offset: number, value: string, problems: HeaderProblem[]): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    if (value[i] === '%') {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        problems.push(error(text, offset + i, "'%' followed by two hex digits", SECTION.value));
        return undefined;
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(value.charCodeAt(i));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    problems.push(error(text, offset, 'percent-encoded bytes that form valid UTF-8', SECTION.value, value.length));
    return undefined;
  }
}
