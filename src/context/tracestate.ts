import { error, note, NO_PROBLEMS, result, type HeaderProblem, type ParseResult } from './problem.js';

/**
 * W3C Trace Context `tracestate`: comma-separated list-members `key=value`
 * with optional spaces and tabs around each member; empty members are allowed
 * and skipped. Keys are simple (`vendor`) or multi-tenant (`tenant@system`);
 * values are up to 256 printable characters other than ',' and '=', not
 * ending in a space. At most 32 members, each key once.
 */
export interface TracestateMember {
  key: string;
  value: string;
  /** For multi-tenant keys: tenant and system. */
  tenant?: string;
  system?: string;
  offset: number;
}

const S = 'W3C Trace Context';
const SECTION = {
  list: `${S} §3.3.1 tracestate Header Field Values`,
  key: `${S} §3.3.1.3.1 Key`,
  value: `${S} §3.3.1.3.2 Value`,
  limits: `${S} §3.3.1.1 Empty and Multiple Headers / §3.3.1.2 list`,
  combined: `${S} §3.3.1.5 Combined Header Value`,
};

const MAX_MEMBERS = 32;
/** value = 0*255(chr) nblk-chr: printable ASCII but ',' and '=' (length and last character checked apart). */
const VALUE_CHARS = /^[\x20-\x2b\x2d-\x3c\x3e-\x7e]+$/;
const SIMPLE_KEY = /^[a-z][a-z0-9_\-*/]{0,255}$/;
const TENANT = /^[a-z0-9][a-z0-9_\-*/]{0,240}$/;
const SYSTEM = /^[a-z][a-z0-9_\-*/]{0,13}$/;

function isValueChar(code: number): boolean {
  // chr = %x20 / nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
  return code >= 0x20 && code <= 0x7e && code !== 0x2c && code !== 0x3d;
}

/** Character classes of the key and value grammar, looked up by char code. */
const LOWER = 1;
const DIGIT = 2;
const KEY_PUNCTUATION = 4; // _ - * /
const VALUE = 8; // nblk-chr and space
const CLASS = new Uint8Array(128);
const mark = (code: number, kind: number): void => void (CLASS[code] = CLASS[code]! | kind);
for (let c = 0x20; c <= 0x7e; c++) if (c !== 0x2c && c !== 0x3d) mark(c, VALUE);
for (let c = 0x61; c <= 0x7a; c++) mark(c, LOWER);
for (let c = 0x30; c <= 0x39; c++) mark(c, DIGIT);
for (const c of '_-*/') mark(c.charCodeAt(0), KEY_PUNCTUATION);
const KEY_CHAR = LOWER | DIGIT | KEY_PUNCTUATION;

function is(code: number, kind: number): boolean {
  return code < 128 && (CLASS[code]! & kind) !== 0;
}

/** The empty header (the most common one): one shared result. */
const EMPTY: ParseResult<TracestateMember[]> = Object.freeze({ valid: true, value: Object.freeze([]) as unknown as TracestateMember[], problems: NO_PROBLEMS });

export function parseTracestate(text: string): ParseResult<TracestateMember[]> {
  if (text.length === 0) return EMPTY;
  // Allocated only when something is wrong: most headers are clean.
  let problems: HeaderProblem[] | undefined;
  const members: TracestateMember[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf(',', start);
    if (end === -1) end = text.length;
    let a = start;
    let b = end;
    while (a < b && isOptionalWhitespace(text.charCodeAt(a))) a++;
    while (b > a && isOptionalWhitespace(text.charCodeAt(b - 1))) b--;
    if (a < b) {
      const member = wellFormedMember(text, a, b) ?? parseMember(text, a, b, (problems ??= []));
      if (member) {
        const previous = indexOfKey(members, member.key);
        if (previous !== -1) (problems ??= []).push(error(text, a, `a key not used before (${member.key} is also at offset ${members[previous]!.offset})`, SECTION.list, member.key.length));
        members.push(member);
      }
    }
    start = end + 1;
  }
  if (members.length > MAX_MEMBERS) (problems ??= []).push(error(text, members[MAX_MEMBERS]!.offset, `at most ${MAX_MEMBERS} list-members (found ${members.length})`, SECTION.list));
  if (text.length > 512) (problems ??= []).push(note(512, `${text.length} characters`, 'at most 512 characters are sure to be propagated; longer values may be truncated by dropping members', SECTION.combined));
  return result(members, problems ?? NO_PROBLEMS);
}

function isOptionalWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** 32 members at most: a scan is cheaper than a Map. */
function indexOfKey(members: readonly TracestateMember[], key: string): number {
  for (let i = 0; i < members.length; i++) if (members[i]!.key === key) return i;
  return -1;
}

/**
 * The member in text[a, b) when it is well formed, checked in one pass over a
 * table with nothing allocated but the member; undefined sends it to
 * parseMember, which finds and explains the first wrong character.
 */
function wellFormedMember(text: string, a: number, b: number): TracestateMember | undefined {
  const eq = text.indexOf('=', a);
  if (eq === -1 || eq >= b) return undefined;
  let at = -1;
  for (let i = a + 1; i < eq; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x40 /* @ */ && at === -1) at = i;
    else if (!is(code, KEY_CHAR)) return undefined;
  }
  const first = text.charCodeAt(a);
  if (at === -1) {
    if (!is(first, LOWER) || eq - a > 256) return undefined;
  } else if (!is(first, LOWER | DIGIT) || at - a > 241 || eq - at - 1 < 1 || eq - at - 1 > 14 || !is(text.charCodeAt(at + 1), LOWER)) {
    return undefined;
  }
  // b was trimmed of spaces, so the value never ends in one.
  if (b - eq - 1 < 1 || b - eq - 1 > 256) return undefined;
  for (let i = eq + 1; i < b; i++) if (!is(text.charCodeAt(i), VALUE)) return undefined;
  const key = text.slice(a, eq);
  const value = text.slice(eq + 1, b);
  return at === -1 ? { key, value, offset: a } : { key, value, tenant: text.slice(a, at), system: text.slice(at + 1, eq), offset: a };
}

function parseMember(text: string, a: number, b: number, problems: HeaderProblem[]): TracestateMember | undefined {
  const eq = text.indexOf('=', a);
  if (eq === -1 || eq >= b) {
    problems.push(error(text, b, "'=' between key and value", SECTION.list));
    return undefined;
  }
  const key = text.slice(a, eq);
  const keyProblem = checkKey(text, a, key);
  if (keyProblem) {
    problems.push(keyProblem);
    return undefined;
  }
  const value = text.slice(eq + 1, b);
  if (value.length <= 256 && value.charCodeAt(value.length - 1) !== 0x20 && VALUE_CHARS.test(value)) return memberOf(key, value, a);
  if (value.length === 0) {
    problems.push(error(text, eq + 1, 'a value of 1 to 256 characters', SECTION.value));
    return undefined;
  }
  if (value.length > 256) {
    problems.push(error(text, eq + 257, 'a value of at most 256 characters', SECTION.value));
    return undefined;
  }
  for (let i = 0; i < value.length; i++) {
    if (!isValueChar(value.charCodeAt(i))) {
      problems.push(error(text, eq + 1 + i, "a printable ASCII character other than ',' and '='", SECTION.value));
      return undefined;
    }
  }
  return memberOf(key, value, a);
}

function memberOf(key: string, value: string, offset: number): TracestateMember {
  const at = key.indexOf('@');
  return at === -1 ? { key, value, offset } : { key, value, tenant: key.slice(0, at), system: key.slice(at + 1), offset };
}

/** The first wrong character of a key, or undefined when the key is well formed. */
function checkKey(text: string, a: number, key: string): HeaderProblem | undefined {
  if (key.length === 0) return error(text, a, 'a key before \'=\'', SECTION.key);
  const at = key.indexOf('@');
  if (at === -1) {
    if (SIMPLE_KEY.test(key)) return undefined;
    if (key.length > 256) return error(text, a + 256, 'a key of at most 256 characters', SECTION.key);
    return firstBad(text, a, key, /[a-z]/, /[a-z0-9_\-*/]/, 'a key starting with a lowercase letter', 'a lowercase letter, digit, or one of _ - * / in the key');
  }
  const tenant = key.slice(0, at);
  const system = key.slice(at + 1);
  if (!TENANT.test(tenant)) {
    if (tenant.length === 0) return error(text, a, 'a tenant id before \'@\'', SECTION.key);
    if (tenant.length > 241) return error(text, a + 241, 'a tenant id of at most 241 characters', SECTION.key);
    return firstBad(text, a, tenant, /[a-z0-9]/, /[a-z0-9_\-*/]/, 'a tenant id starting with a lowercase letter or digit', 'a lowercase letter, digit, or one of _ - * / in the tenant id');
  }
  if (!SYSTEM.test(system)) {
    const base = a + at + 1;
    if (system.length === 0) return error(text, base, "a system id after '@'", SECTION.key);
    if (system.length > 14) return error(text, base + 14, 'a system id of at most 14 characters', SECTION.key);
    return firstBad(text, base, system, /[a-z]/, /[a-z0-9_\-*/]/, 'a system id starting with a lowercase letter', 'a lowercase letter, digit, or one of _ - * / in the system id');
  }
  return undefined;
}

function firstBad(text: string, base: number, part: string, first: RegExp, rest: RegExp, firstExpected: string, restExpected: string): HeaderProblem {
  if (!first.test(part[0]!)) return error(text, base, firstExpected, SECTION.key);
  for (let i = 1; i < part.length; i++) if (!rest.test(part[i]!)) return error(text, base + i, restExpected, SECTION.key);
  return error(text, base, restExpected, SECTION.key);
}
