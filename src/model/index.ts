export * from './span.js';
export * from './ids.js';
export * from './time.js';
export * from './trace.js';
export { SpanColumns, type SpanTarget } from './store.js';
export { StoredTraces, type TraceSource } from './trace-source.js';
