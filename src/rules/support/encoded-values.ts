/**
 * Values that encode other values — query strings and form bodies, JSON, JWT
 * payloads — decoded into named parts, so the PII detectors can judge each
 * part by its name as they judge an attribute by its key. Bounded: a value is
 * decoded only when it is small enough, and walks stop at a depth and a count.
 */

export interface NamedPart {
  name: string;
  value: string;
}

export interface QueryString {
  /** Where the parameters sit in the value (after the '?'), to walk them and to leave them out of the scan of the rest. */
  start: number;
  end: number;
}

const MAX_PARAMS = 200;

/** Where a query string ends: a space, '#', a quote or an angle bracket (URLs in messages, markup). */
function endsQuery(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 35 || code === 34 || code === 39 || code === 60 || code === 62 || code === 96;
}

/**
 * The query strings in a value: after each '?' up to a space, quote or '#'
 * (URLs, also inside messages), or the whole value when it is itself
 * `name=value&…` (url.query, a form body). Only where they are: the
 * parameters are walked by `forEachParam`, which decodes what is asked for.
 */
export function queryStrings(value: string): QueryString[] {
  const found: QueryString[] = [];
  let question = value.indexOf('?');
  while (question !== -1) {
    let end = question + 1;
    while (end < value.length && !endsQuery(value.charCodeAt(end))) end++;
    if (hasParam(value, question + 1, end)) found.push({ start: question + 1, end });
    question = value.indexOf('?', end);
  }
  if (found.length === 0 && isFormBody(value)) found.push({ start: 0, end: value.length });
  return found;
}

/** Whether `start..end` holds a `name=` (a '=' that does not open the text or follow a '&'). */
function hasParam(value: string, start: number, end: number): boolean {
  for (let i = start + 1; i < end; i++) if (value.charCodeAt(i) === 61 && value.charCodeAt(i - 1) !== 38) return true;
  return false;
}

/** `a=1&b=2`: no spaces, and a name before the first '='. */
function isFormBody(value: string): boolean {
  const eq = value.indexOf('=');
  if (eq <= 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || (i < eq && (c === 47 || c === 58))) return false;
  }
  return true;
}

/**
 * Each `name=value` of a query string: `visit` gets the decoded name and the
 * bounds of the raw value (decoded by `paramValue` only if wanted). Linear: the
 * next '=' is looked for again only once the walk has passed it.
 */
export function forEachParam(value: string, query: QueryString, visit: (name: string, from: number, to: number) => void): void {
  let pos = query.start;
  let eq = -1;
  let count = 0;
  while (pos < query.end && count < MAX_PARAMS) {
    let amp = value.indexOf('&', pos);
    if (amp === -1 || amp > query.end) amp = query.end;
    if (eq < pos) eq = value.indexOf('=', pos);
    if (eq === -1) return;
    if (eq > pos && eq < amp) {
      visit(decodeComponent(value.slice(pos, eq)), eq + 1, amp);
      count++;
    }
    pos = amp + 1;
  }
}

/** A parameter's value, decoded as forms are. */
export function paramValue(value: string, from: number, to: number): string {
  return decodeComponent(value.slice(from, to));
}

/** Whether a raw parameter value may encode others: JSON or a nested query ('{', '[', '=', also percent-encoded). */
export function mayEncode(value: string, from = 0, to = value.length): boolean {
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i);
    if (c === 61 || c === 123 || c === 91) return true;
    if (c === 37 && i + 2 < to) {
      const code = value.slice(i + 1, i + 3).toUpperCase();
      if (code === '3D' || code === '7B' || code === '5B') return true;
    }
  }
  return false;
}

/** Percent-decoding, with '+' as a space as forms have it (or kept, for text that is not a form); a malformed escape leaves the text as it was. */
export function decodeComponent(text: string, plusIsSpace = true): string {
  const spaced = plusIsSpace && text.includes('+') ? text.replaceAll('+', ' ') : text;
  return spaced.includes('%') ? (tryDecode(spaced) ?? spaced) : spaced;
}

/** Percent-decoded text, or undefined when an escape is malformed. */
export function tryDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

const MAX_JSON_LENGTH = 256 * 1024;
const MAX_JSON_DEPTH = 8;
const MAX_JSON_LEAVES = 2000;

/** A value that is a JSON object or array, parsed; undefined when it is not (or is too large to be worth it). */
export function parseJsonValue(value: string): unknown {
  // The first and last characters that are not blank, found without copying the value.
  let start = 0;
  let end = value.length - 1;
  while (start < end && isBlank(value.charCodeAt(start))) start++;
  while (end > start && isBlank(value.charCodeAt(end))) end--;
  const first = value[start];
  const last = value[end];
  if (value.length > MAX_JSON_LENGTH || !((first === '{' && last === '}') || (first === '[' && last === ']'))) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/**
 * The leaves of parsed JSON (strings and numbers), each named by its path of
 * property names (`user.address.street`; array positions leave no segment,
 * so every item of a list is named alike).
 */
export function jsonLeaves(parsed: unknown): NamedPart[] {
  const leaves: NamedPart[] = [];
  const walk = (node: unknown, path: string, depth: number): void => {
    if (leaves.length >= MAX_JSON_LEAVES) return;
    if (typeof node === 'string') leaves.push({ name: path, value: node });
    else if (typeof node === 'number') leaves.push({ name: path, value: String(node) });
    else if (depth < MAX_JSON_DEPTH && Array.isArray(node)) for (const item of node) walk(item, path, depth + 1);
    else if (depth < MAX_JSON_DEPTH && node !== null && typeof node === 'object') {
      for (const [name, child] of Object.entries(node)) walk(child, path ? `${path}.${name}` : name, depth + 1);
    }
  };
  walk(parsed, '', 0);
  return leaves;
}

const MAX_JWT_PAYLOAD = 16 * 1024;

/** The claims of a JWT: its second segment, base64url-decoded and parsed; undefined when that is not a JSON object. */
export function jwtClaims(jwt: string): unknown {
  const payload = jwt.split('.')[1];
  if (payload === undefined || payload.length > MAX_JWT_PAYLOAD) return undefined;
  const parsed = parseJsonValue(Buffer.from(payload, 'base64url').toString('utf8'));
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
}
