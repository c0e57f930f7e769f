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
  const h = hint.toLowerCase();
  const s = service.toLowerCase();
  if (h === s) return true;
  const firstLabel = h.split('.')[0]!.split(':')[0]!;
  return firstLabel === s || firstLabel.replace(/-service$|-svc$/, '') === s.replace(/-service$|-svc$/, '');
}
