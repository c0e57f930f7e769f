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
  /** Where the query string sits in the value, to leave it out of the scan of the rest. */
  start: number;
  end: number;
  params: NamedPart[];
}

const MAX_PARAMS = 200;
const QUERY_END = new Set([' ', '\t', '\n', '\r', '#', '"', "'", '<', '>', '`']);

/**
 * The query strings in a value: after each '?' up to a space, quote or '#'
 * (URLs, also inside messages), or the whole value when it is itself
 * `name=value&…` (url.query, a form body).
 */
export function queryStrings(value: string): QueryString[] {
  const found: QueryString[] = [];
  let question = value.indexOf('?');
  while (question !== -1) {
    let end = question + 1;
    while (end < value.length && !QUERY_END.has(value[end]!)) end++;
    const params = parseParams(value.slice(question + 1, end));
    if (params.length > 0) found.push({ start: question + 1, end, params });
    question = value.indexOf('?', end);
  }
  if (found.length === 0 && isFormBody(value)) {
    const params = parseParams(value);
    if (params.length > 0) found.push({ start: 0, end: value.length, params });
  }
  return found;
}

/** `a=1&b=2`: no spaces, and a name before the first '='. */
function isFormBody(value: string): boolean {
  const eq = value.indexOf('=');
  if (eq <= 0) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === ' ' || c === '\n' || c === '\t' || (i < eq && (c === '/' || c === ':'))) return false;
  }
  return true;
}

function parseParams(query: string): NamedPart[] {
  const params: NamedPart[] = [];
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    params.push({ name: decodeComponent(pair.slice(0, eq)), value: decodeComponent(pair.slice(eq + 1)) });
    if (params.length >= MAX_PARAMS) break;
  }
  return params;
}

/** Percent-decoding, with '+' as a space as forms have it (or kept, for text that is not a form); a malformed escape leaves the text as it was. */
export function decodeComponent(text: string, plusIsSpace = true): string {
  const spaced = plusIsSpace && text.includes('+') ? text.replaceAll('+', ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
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
