export { parseTraceparent, formatTraceparent, type Traceparent, type TraceFlags } from './traceparent.js';
export { parseTracestate, type TracestateMember, type TracestateOptions, type TraceContextLevel } from './tracestate.js';
export { parseTraceContext, type TraceContext } from './trace-context.js';
export { parseBaggage, type BaggageMember, type BaggageProperty } from './baggage.js';
export { parseB3Single, parseB3Multi, parseUberTraceId, parseXRay, type ForeignContext } from './other-families.js';
export { detectKind, explainHeader, explainB3Multi, kindOfHeaderName, HEADER_KINDS, type HeaderKind, type SingleHeaderKind, type ExplainedHeader } from './detect.js';
export type { HeaderProblem, ParseResult, HeaderSeverity } from './problem.js';
