import type { Span } from '../model/span.js';

/**
 * What an HTTP call and the server span that answered it have in common, from
 * the attributes instrumentation sets on both sides (current and older
 * semantic conventions): the path the client asked for and the path or route
 * the server saw, the method, and the client's own port, which the server
 * records as its peer's. Used as evidence that a server span answered a
 * particular call, where time windows alone cannot tell under concurrency.
 */
export interface HttpCall {
  method: string | undefined;
  path: string | undefined;
  /** The client's own port (network.local.port on a CLIENT span). */
  localPort: number | undefined;
}

export interface HttpServed {
  method: string | undefined;
  path: string | undefined;
  route: string | undefined;
  /** The peer's port as the server saw it (client.port, network.peer.port). */
  peerPort: number | undefined;
}

export function httpCall(span: Span): HttpCall {
  const a = span.attributes;
  return {
    method: text(a['http.request.method'] ?? a['http.method']),
    path: pathOf(text(a['url.full'] ?? a['http.url'])) ?? stripQuery(text(a['url.path'] ?? a['http.target'])),
    localPort: port(a['network.local.port'] ?? a['net.sock.host.port']),
  };
}

export function httpServed(span: Span): HttpServed {
  const a = span.attributes;
  return {
    method: text(a['http.request.method'] ?? a['http.method']),
    path: stripQuery(text(a['url.path'] ?? a['http.target'])) ?? pathOf(text(a['url.full'] ?? a['http.url'])),
    route: text(a['http.route']),
    peerPort: port(a['client.port'] ?? a['network.peer.port'] ?? a['net.sock.peer.port'] ?? a['net.peer.port']),
  };
}

/** The client's port is the one the server saw its peer use: the two ends of one connection. */
export function portsPair(call: HttpCall, served: HttpServed): boolean {
  return call.localPort !== undefined && call.localPort === served.peerPort;
}

/** The server saw the path the client asked for: the same path, or a route template it fits; and no other method. */
export function pathsMatch(call: HttpCall, served: HttpServed): boolean {
  if (call.path === undefined) return false;
  if (call.method !== undefined && served.method !== undefined && call.method.toUpperCase() !== served.method.toUpperCase()) return false;
  if (served.path !== undefined) return normalise(served.path) === normalise(call.path);
  return served.route !== undefined && routeFits(served.route, call.path);
}

/**
 * Whether a route template (`/users/:id`, `/users/{id}`, `/files/*`,
 * `/api/<int:id>`) fits a concrete path, segment by segment.
 */
export function routeFits(route: string, path: string): boolean {
  const template = normalise(route).split('/');
  const concrete = normalise(path).split('/');
  for (let i = 0; i < template.length; i++) {
    const part = template[i]!;
    if (part === '*' || part === '**' || part.startsWith('*')) return true;
    if (i >= concrete.length) return false;
    const placeholder = part.startsWith(':') || /^\{[^}]*\}$/.test(part) || /^<[^>]*>$/.test(part);
    if (!placeholder && part !== concrete[i]) return false;
  }
  return template.length === concrete.length;
}

function normalise(path: string): string {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function port(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

function stripQuery(target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  const cut = target.search(/[?#]/);
  return cut === -1 ? target : target.slice(0, cut) || '/';
}

function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
