import { error, NO_PROBLEMS, result, warning, type HeaderProblem, type ParseResult } from './problem.js';

/**
 * W3C Trace Context `tracestate`: comma-separated list-members `key=value`
 * with optional spaces and tabs around each member; empty members are allowed
 * and skipped. Values are up to 256 printable characters other than ',' and
 * '=', not ending in a space. At most 32 members, each key once.
 *
 * Keys differ between the levels. Level 1 has simple keys (`vendor`) and
 * multi-tenant keys (`tenant@system`, with lengths for each part); Level 2 has
 * one rule, `(lcalpha / DIGIT) 0*255 keychar` with '@' a key character, so
 * `foo@`, `foo@bar@baz` and `1vendor` are keys. Under Level 2 (the default) such
 * a key is valid with a warning that receivers following Level 1 drop it;
 * under Level 1 it is invalid.
 */
export interface TracestateMember {
  key: string;
  value: string;
  /** For Level 1 multi-tenant keys: tenant and system. */
  tenant?: string;
  system?: string;
  offset: number;
}

/** The level of W3C Trace Context whose grammar decides validity. */
export type TraceContextLevel = 1 | 2;

export interface TracestateOptions {
  /** 2 (the default): Level 2's key rule decides, Level 1's is a warning; 1: Level 1's key grammar decides. */
  level?: TraceContextLevel;
}

const S = 'W3C Trace Context';
/** Each level's sections (the same rules for list and value, numbered differently). */
const SECTIONS = {
  1: {
    list: `${S} Level 1 §3.3.1.2 list`,
    key: `${S} Level 1 §3.3.1.3.1 Key`,
    value: `${S} Level 1 §3.3.1.3.2 Value`,
    combined: `${S} Level 1 §3.3.1.4 Combined Header Value`,
    limits: `${S} Level 1 §3.3.1.5 tracestate Limits`,
  },
  2: {
    list: `${S} Level 2 §3.3.2.1 list`,
    key: `${S} Level 2 §3.3.2.2.1 Key`,
    value: `${S} Level 2 §3.3.2.2.2 Value`,
    combined: `${S} Level 2 §3.3.3 Combined Header Value`,
    limits: `${S} Level 2 §3.3.3.1 tracestate Limits`,
  },
} as const;
type Sections = (typeof SECTIONS)[TraceContextLevel];
const LEVEL_1_ONLY = `${SECTIONS[1].key}; ${SECTIONS[2].key}`;

const MAX_MEMBERS = 32;
/** Character classes of the key and value grammar, looked up by any UTF-16 code unit (no range check). */
const LOWER = 1;
const DIGIT = 2;
const KEY_PUNCTUATION = 4; // _ - * /
const AT = 16; // @, a key character in Level 2
const VALUE = 8; // chr: nblk-chr (%x21-2B / %x2D-3C / %x3E-7E) and space; a value never ends in a space
const CLASS = new Uint8Array(65536);
const mark = (code: number, kind: number): void => void (CLASS[code] = CLASS[code]! | kind);
for (let c = 0x20; c <= 0x7e; c++) if (c !== 0x2c && c !== 0x3d) mark(c, VALUE);
for (let c = 0x61; c <= 0x7a; c++) mark(c, LOWER);
for (let c = 0x30; c <= 0x39; c++) mark(c, DIGIT);
for (const c of '_-*/') mark(c.charCodeAt(0), KEY_PUNCTUATION);
mark(0x40, AT);
const KEY_CHAR = LOWER | DIGIT | KEY_PUNCTUATION;
const LEVEL_2_KEY_CHAR = KEY_CHAR | AT;

function is(code: number, kind: number): boolean {
  return (CLASS[code]! & kind) !== 0;
}

/** The empty header (the most common one): one shared result. */
const EMPTY: ParseResult<TracestateMember[]> = Object.freeze({ valid: true, value: Object.freeze([]) as unknown as TracestateMember[], problems: NO_PROBLEMS });

export function parseTracestate(text: string, options?: TracestateOptions): ParseResult<TracestateMember[]> {
  if (text.length === 0) return EMPTY;
  const level = options?.level === 1 ? 1 : 2;
  const sections = SECTIONS[level];
  // Allocated only when something is wrong: most headers are clean.
  let problems: HeaderProblem[] | undefined;
  const members: TracestateMember[] = [];
  // Built only past the limit of 32 members, so a hostile list stays linear.
  let keys: Map<string, number> | undefined;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf(',', start);
    if (end === -1) end = text.length;
    let a = start;
    let b = end;
    while (a < b && isOptionalWhitespace(text.charCodeAt(a))) a++;
    while (b > a && isOptionalWhitespace(text.charCodeAt(b - 1))) b--;
    if (a < b) {
      const member = wellFormedMember(text, a, b) ?? parseMember(text, a, b, (problems ??= []), level);
      if (member) {
        const previous = members.length < MAX_MEMBERS ? indexOfKey(members, member.key) : (keys ??= keyIndex(members)).get(member.key);
        if (previous !== undefined) (problems ??= []).push(error(text, a, `a key not used before (${member.key} is also at offset ${members[previous]!.offset}): only one entry per key is allowed`, sections.combined, member.key.length));
        else keys?.set(member.key, members.length);
        members.push(member);
      }
    }
    start = end + 1;
  }
  if (members.length > MAX_MEMBERS) (problems ??= []).push(error(text, members[MAX_MEMBERS]!.offset, `at most ${MAX_MEMBERS} list-members (found ${members.length})`, sections.list));
  if (text.length > 512) (problems ??= []).push(warning(512, `${text.length} characters`, 'at most 512 characters for every entry to be sure to arrive: vendors SHOULD propagate 512, and may truncate longer values by dropping whole entries (those over 128 characters first)', sections.limits));
  return result(members, problems ?? NO_PROBLEMS);
}

function isOptionalWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Up to the limit of 32 members a scan is cheaper than a Map. */
function indexOfKey(members: readonly TracestateMember[], key: string): number | undefined {
  for (let i = 0; i < members.length; i++) if (members[i]!.key === key) return i;
  return undefined;
}

/** Where each key first appears. */
function keyIndex(members: readonly TracestateMember[]): Map<string, number> {
  const keys = new Map<string, number>();
  members.forEach((member, i) => keys.has(member.key) || keys.set(member.key, i));
  return keys;
}

/**
 * The member in text[a, b) when it is well formed, checked in one pass over a
 * table with nothing allocated but the member; undefined sends it to
 * parseMember, which finds and explains the first wrong character.
 */
function wellFormedMember(text: string, a: number, b: number): TracestateMember | undefined {
  // The key runs up to '=': key characters and at most one '@'.
  let eq = -1;
  let at = -1;
  for (let i = a + 1; i < b; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x3d /* = */) {
      eq = i;
      break;
    }
    if (code === 0x40 /* @ */ && at === -1) at = i;
    else if (!is(code, KEY_CHAR)) return undefined;
  }
  if (eq === -1) return undefined;
  const first = text.charCodeAt(a);
  if (at === -1) {
    if (!is(first, LOWER) || eq - a > 256) return undefined;
  } else if (!is(first, LOWER | DIGIT) || at - a > 241 || eq - at - 1 < 1 || eq - at - 1 > 14 || !is(text.charCodeAt(at + 1), LOWER)) {
    return undefined;
  }
  // b was trimmed of spaces, so the value never ends in one.
  if (b - eq - 1 < 1 || b - eq - 1 > 256) return undefined;
  // And-ed without a branch: values are the longest part.
  let value = VALUE;
  for (let i = eq + 1; i < b; i++) value &= CLASS[text.charCodeAt(i)]!;
  if (value === 0) return undefined;
  const key = text.slice(a, eq);
  return at === -1 ? memberOf(key, text.slice(eq + 1, b), a, undefined, undefined) : memberOf(key, text.slice(eq + 1, b), a, text.slice(a, at), text.slice(at + 1, eq));
}

/**
 * Finds and explains the first wrong character of the member in text[a, b),
 * which wellFormedMember refused (it accepts Level 1's keys only). Under Level
 * 2 a key Level 1 refuses is kept, with a warning that Level 1 receivers drop it.
 */
function parseMember(text: string, a: number, b: number, problems: HeaderProblem[], level: TraceContextLevel): TracestateMember | undefined {
  const sections = SECTIONS[level];
  // Searched within the member only: a search to the end of the text would make many members quadratic.
  let eq = a;
  while (eq < b && text.charCodeAt(eq) !== 0x3d) eq++;
  if (eq === b) {
    problems.push(error(text, b, "'=' between key and value", sections.list));
    return undefined;
  }
  const problem = (level === 1 ? checkLevel1Key(text, a, eq) : checkLevel2Key(text, a, eq)) ?? checkValue(text, eq + 1, b, sections);
  if (problem) {
    problems.push(problem);
    return undefined;
  }
  const key = text.slice(a, eq);
  const value = text.slice(eq + 1, b);
  const levelOneProblem = level === 2 ? checkLevel1Key(text, a, eq) : undefined;
  if (!levelOneProblem) return splitMember(key, value, a);
  problems.push(warning(levelOneProblem.offset, levelOneProblem.found, `${levelOneProblem.expected} under Level 1 (Level 2's key rule allows this key, but receivers that follow Level 1, such as the OpenTelemetry SDKs, drop it)`, LEVEL_1_ONLY));
  // Tenant and system are Level 1's parts of a key; a Level 2 key has none.
  return memberOf(key, value, a, undefined, undefined);
}

function splitMember(key: string, value: string, offset: number): TracestateMember {
  const at = key.indexOf('@');
  return at === -1 ? memberOf(key, value, offset, undefined, undefined) : memberOf(key, value, offset, key.slice(0, at), key.slice(at + 1));
}

/** Every member has one object layout (tenant and system undefined for simple keys), so reading members stays monomorphic. */
function memberOf(key: string, value: string, offset: number, tenant: string | undefined, system: string | undefined): TracestateMember {
  return { key, value, tenant, system, offset };
}

/** The first wrong character of the key text[a, eq) under Level 1's grammar (simple-key / multi-tenant-key), or undefined when it is a Level 1 key. */
function checkLevel1Key(text: string, a: number, eq: number): HeaderProblem | undefined {
  if (eq === a) return error(text, a, "a key before '='", SECTIONS[1].key);
  let at = a;
  while (at < eq && text.charCodeAt(at) !== 0x40) at++;
  if (at === eq) return checkKeyPart(text, a, eq, KEY_PARTS.simple);
  if (at === a) return error(text, a, "a tenant id before '@'", SECTIONS[1].key);
  const tenantProblem = checkKeyPart(text, a, at, KEY_PARTS.tenant);
  if (tenantProblem) return tenantProblem;
  if (at + 1 === eq) return error(text, eq, "a system id after '@'", SECTIONS[1].key);
  return checkKeyPart(text, at + 1, eq, KEY_PARTS.system);
}

/** The parts of a Level 1 key: simple-key, tenant-id and system-id. */
const KEY_PARTS = {
  simple: { maxLength: 256, first: LOWER, tooLong: 'a key of at most 256 characters', firstExpected: 'a key starting with a lowercase letter', restExpected: 'a lowercase letter, digit, or one of _ - * / in the key' },
  tenant: { maxLength: 241, first: LOWER | DIGIT, tooLong: 'a tenant id of at most 241 characters', firstExpected: 'a tenant id starting with a lowercase letter or digit', restExpected: 'a lowercase letter, digit, or one of _ - * / in the tenant id' },
  system: { maxLength: 14, first: LOWER, tooLong: 'a system id of at most 14 characters', firstExpected: 'a system id starting with a lowercase letter', restExpected: "a lowercase letter, digit, or one of _ - * / in the system id (one '@' per key)" },
};

function checkKeyPart(text: string, start: number, end: number, part: (typeof KEY_PARTS)['simple']): HeaderProblem | undefined {
  if (end - start > part.maxLength) return error(text, start + part.maxLength, part.tooLong, SECTIONS[1].key);
  if (!is(text.charCodeAt(start), part.first)) return error(text, start, part.firstExpected, SECTIONS[1].key);
  for (let i = start + 1; i < end; i++) if (!is(text.charCodeAt(i), KEY_CHAR)) return error(text, i, part.restExpected, SECTIONS[1].key);
  return undefined;
}

/** The first wrong character of the key text[a, eq) under Level 2's rule, `key = ( lcalpha / DIGIT ) 0*255 ( keychar )`. */
function checkLevel2Key(text: string, a: number, eq: number): HeaderProblem | undefined {
  const section = SECTIONS[2].key;
  if (eq === a) return error(text, a, "a key before '='", section);
  if (eq - a > 256) return error(text, a + 256, 'a key of at most 256 characters', section);
  if (!is(text.charCodeAt(a), LOWER | DIGIT)) return error(text, a, 'a key starting with a lowercase letter or digit', section);
  for (let i = a + 1; i < eq; i++) if (!is(text.charCodeAt(i), LEVEL_2_KEY_CHAR)) return error(text, i, 'a lowercase letter, digit, or one of _ - * / @ in the key', section);
  return undefined;
}

/** The first wrong character of the value text[start, end), or undefined when the value is well formed. */
function checkValue(text: string, start: number, end: number, sections: Sections): HeaderProblem | undefined {
  if (end === start) return error(text, start, 'a value of 1 to 256 characters', sections.value);
  if (end - start > 256) return error(text, start + 256, 'a value of at most 256 characters', sections.value);
  for (let i = start; i < end; i++) if (!is(text.charCodeAt(i), VALUE)) return error(text, i, "a printable ASCII character other than ',' and '='", sections.value);
  return undefined;
}
