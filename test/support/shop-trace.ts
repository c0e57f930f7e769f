/**
 * The e-commerce trace of Tracetest's selector documentation
 * (docs/docs/concepts/selectors.mdx), made with the OpenTelemetry JS SDK:
 * spans A to K with the services, names and attributes its diagrams show.
 * Their tracetest.span.type is derived from those attributes, not set.
 */
import { TraceSet, type Trace } from '../../src/model/trace.js';
import { decodeSdk, inject, ms, sdkSystem, SpanKind, toOtlpJson } from './sdk.js';

export interface ShopTrace {
  trace: Trace;
  /** Diagram letter -> span id. */
  ids: Record<string, string>;
  /** Span id -> diagram letter. */
  letters: Map<string, string>;
}

export async function shopTrace(): Promise<ShopTrace> {
  const { svc, spans } = sdkSystem(['cart-api', 'product-api', 'auth-api', 'notification-api', 'external-service']);
  const http = (method: string) => ({ 'http.method': method });
  const db = { 'db.statement': 'SELECT * FROM ...' };
  const A = svc['cart-api']!.start('close order', { kind: SpanKind.SERVER, at: 0, attributes: http('POST') });
  const B = svc['product-api']!.start('is product available', { kind: SpanKind.SERVER, remote: inject(A), at: 1, attributes: http('GET') });
  const C = svc['product-api']!.start('get product information', { kind: SpanKind.CLIENT, parent: B, at: 2, attributes: db });
  const D = svc['auth-api']!.start('get user can access', { kind: SpanKind.SERVER, remote: inject(B), at: 4, attributes: http('GET') });
  const E = svc['auth-api']!.start('get user auth information', { kind: SpanKind.CLIENT, parent: D, at: 5, attributes: db });
  const F = svc['cart-api']!.start('purchase products', { kind: SpanKind.CLIENT, parent: A, at: 10, attributes: http('POST') });
  const G = svc['auth-api']!.start('get user can access', { kind: SpanKind.SERVER, remote: inject(F), at: 11, attributes: http('GET') });
  const H = svc['auth-api']!.start('get user auth information', { kind: SpanKind.CLIENT, parent: G, at: 12, attributes: db });
  const I = svc['notification-api']!.start('notify user', { kind: SpanKind.SERVER, remote: inject(F), at: 20, attributes: http('POST') });
  const J = svc['notification-api']!.start('send message to kafka', { kind: SpanKind.PRODUCER, parent: I, at: 21, attributes: { 'messaging.system': 'kafka' } });
  const K = svc['external-service']!.start('send message to users', { kind: SpanKind.CONSUMER, remote: inject(J), at: 22, attributes: { 'messaging.system': 'kafka' } });
  const all = { A, B, C, D, E, F, G, H, I, J, K };
  const ends: Record<string, number> = { A: 30, B: 9, C: 3, D: 8, E: 6, F: 28, G: 15, H: 13, I: 27, J: 25, K: 24 };
  for (const [letter, span] of Object.entries(all)) span.end(ms(ends[letter]!));
  const decoded = decodeSdk(toOtlpJson(await spans()));
  const trace = [...new TraceSet(decoded).traces.values()][0]!;
  const ids = Object.fromEntries(Object.entries(all).map(([letter, span]) => [letter, span.spanContext().spanId]));
  return { trace, ids, letters: new Map(Object.entries(ids).map(([letter, id]) => [id, letter])) };
}
