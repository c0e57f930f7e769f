/** tracelint as a library: the same engine as the command line. */
export * from './model/index.js';
export { readTraces, decodeText, type ReadOptions, type ReadResult, type InputSummary, type DecodedText } from './formats/read.js';
export { InputError } from './formats/errors.js';
export { FORMAT_NAMES } from './formats/detect.js';
export { spanStats, type SpanStats } from './analysis/stats.js';
export { safeText } from './render/safe-text.js';
