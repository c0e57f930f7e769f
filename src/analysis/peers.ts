import type { Span } from '../model/span.js';

/**
 * The service a CLIENT or PRODUCER span says it called, from the attributes
 * instrumentations set: peer.service first (it names a service), then the
 * address and RPC attributes (they name a host or API, compared loosely).
 */
const PEER_KEYS = ['peer.service', 'server.address', 'net.peer.name', 'http.host', 'rpc.service', 'messaging.destination.name', 'messaging.destination'];

export function peerHints(span: Span): string[] {
  const hints: string[] = [];
  for (const key of PEER_KEYS) {
    const value = span.attributes[key];
    if (typeof value === 'string' && value !== '') hints.push(value);
  }
  const url = span.attributes['url.full'] ?? span.attributes['http.url'];
  if (typeof url === 'string') {
    const host = hostOf(url);
    if (host) hints.push(host);
  }
  return hints;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a hint plausibly names a service: equal ignoring case, or the host's
 * first label is the service (`inventory.prod.svc.cluster.local` names `inventory`).
 */
export function hintNamesService(hint: string, service: string): boolean {
  // Asked for every pair of a call's hints and the services (a million spans: millions of times, of few pairs).
  let byService = named.get(hint);
  if (byService === undefined) {
    if (named.size >= MAX_HINTS) named.clear();
    named.set(hint, (byService = new Map()));
  }
  let answer = byService.get(service);
  if (answer === undefined) byService.set(service, (answer = namesService(hint, service)));
  return answer;
}

const named = new Map<string, Map<string, boolean>>();
/** Hints remembered at most (paths and hosts with ids make many): past it, the memo starts again. */
const MAX_HINTS = 100_000;

function namesService(hint: string, service: string): boolean {
  const h = hint.toLowerCase();
  const s = service.toLowerCase();
  if (h === s) return true;
  const firstLabel = h.split('.')[0]!.split(':')[0]!;
  return firstLabel === s || firstLabel.replace(/-service$|-svc$/, '') === s.replace(/-service$|-svc$/, '');
}
