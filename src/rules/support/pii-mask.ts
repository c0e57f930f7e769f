import { detectPii, type PiiMatch } from './pii-detectors.js';

/**
 * A value as a report may show it: each part the pii rule's detectors find is
 * replaced, where it is written, by the mask the rule's findings show
 * (`j***@a***.eu`, `****1111`, `Bearer **** (19 chars)`), so a report that
 * shows span data holds no more of a secret than the findings do. A value
 * judged whole (named like a secret, a private key, a connection string) or
 * holding a part that cannot be placed (inside an encoded value) is shown as
 * its masks alone. Detectors report the first match of each kind, so it looks
 * again after each round, a bounded number of times.
 */
export function maskPii(value: string, key?: string): string {
  let shown = value;
  for (let round = 0; round < MASK_ROUNDS; round++) {
    // What the key says is judged on the value as it came: later rounds see masks, which a secret-like key would take for a secret.
    const found = detectPii(shown, key).filter((match) => round === 0 || match.kind !== 'secret-by-name');
    if (found.length === 0) return shown;
    let next = shown;
    for (const match of found) {
      const at = WHOLE.has(match.kind) ? undefined : locate(next, match);
      if (at === undefined) return masksOf(found);
      next = `${next.slice(0, at.start)}${match.masked}${next.slice(at.end)}`;
    }
    // A round that changed nothing would find the same again.
    if (next === shown) return masksOf(found);
    shown = next;
  }
  const left = detectPii(shown, key).filter((match) => match.kind !== 'secret-by-name');
  return left.length === 0 ? shown : masksOf(left);
}

/** Each round is one scan of the value: a value of thousands of addresses costs 64 scans, then shows only its masks. */
const MASK_ROUNDS = 64;

/** Kinds judged on the whole value: nothing of it can be shown. */
const WHOLE = new Set<PiiMatch['kind']>(['secret-by-name', 'private-key', 'connection-string-password']);

function masksOf(found: readonly PiiMatch[]): string {
  const whole = found.find((match) => match.kind === 'secret-by-name' || match.kind === 'private-key');
  return whole ? whole.masked : `(masked: ${[...new Set(found.map((match) => match.masked))].join(', ')})`;
}

interface Place {
  start: number;
  end: number;
}

/** Where a match is written in the value, or undefined when it cannot be placed. */
function locate(value: string, match: PiiMatch): Place | undefined {
  if (match.kind === 'url-credentials') return urlCredentials(value);
  const at = written(value, match.evidence);
  if (at === undefined) return undefined;
  // The masks of a bearer token and an international number carry the words before them.
  if (match.masked.startsWith('Bearer ')) {
    const before = /bearer\s+$/i.exec(value.slice(Math.max(0, at.start - 20), at.start));
    if (before) return { start: at.start - before[0].length, end: at.end };
  }
  if (match.masked.startsWith('+') && value[at.start - 1] === '+') return { start: at.start - 1, end: at.end };
  return at;
}

const SEPARATORS = ' -.()/';

/**
 * The evidence as written: the same characters (any case), in order, with
 * spaces, dashes, dots, slashes or brackets between them (a card number in
 * groups, a phone number written with spaces, an e-mail address in capitals).
 */
function written(value: string, evidence: string): Place | undefined {
  if (evidence === '') return undefined;
  const exact = value.indexOf(evidence);
  if (exact !== -1) return { start: exact, end: exact + evidence.length };
  const lower = value.toLowerCase();
  const wanted = evidence.toLowerCase();
  const plain = lower.indexOf(wanted);
  if (plain !== -1) return { start: plain, end: plain + wanted.length };
  for (let start = lower.indexOf(wanted[0]!); start !== -1; start = lower.indexOf(wanted[0]!, start + 1)) {
    let i = start;
    let j = 0;
    while (i < lower.length && j < wanted.length) {
      if (lower[i] === wanted[j]) j++;
      else if (j === 0 || !SEPARATORS.includes(lower[i]!)) break;
      i++;
    }
    if (j === wanted.length) return { start, end: i };
  }
  return undefined;
}

/** `://user:password@` after a scheme (a bounded look after each `://`), not already masked. */
function urlCredentials(value: string): Place | undefined {
  for (let at = value.indexOf('://'); at !== -1; at = value.indexOf('://', at + 3)) {
    let colon = -1;
    for (let i = at + 3; i < value.length && i < at + 260; i++) {
      const c = value[i]!;
      if (c === '@') {
        if (colon > at + 3 && i > colon + 1 && value.slice(at, i + 1) !== '://****:****@') return { start: at, end: i + 1 };
        break;
      }
      if (c === '/' || c === ' ' || c === '\t' || c === '\n') break;
      if (c === ':' && colon === -1) colon = i;
    }
  }
  return undefined;
}
