import Table from 'cli-table3';
import type { ServiceSummary } from '../analysis/service-summary.js';
import type { AttributeValue, Span } from '../model/span.js';
import { durationNano, serviceOf } from '../model/span.js';
import { formatDuration, formatTimestamp } from '../model/time.js';
import { displayTraceId, traceDuration, type Trace } from '../model/trace.js';
import { safeText } from './safe-text.js';

const plain = { style: { head: [], border: [] } };

/** When an event happened, from the span's start; unknown when either time is. */
function eventOffset(at: bigint | undefined, start: bigint | undefined): string {
  return at === undefined || start === undefined ? formatDuration(undefined) : `+${formatDuration(at - start)}`;
}

/** One line per trace, for choosing which to draw. */
export function traceListTable(traces: readonly Trace[]): string {
  const table = new Table({ head: ['trace id', 'root', 'services', 'spans', 'duration', 'errors'], ...plain });
  for (const trace of traces) {
    const root = trace.roots[0] ?? trace.tops[0];
    table.push([
      safeText(displayTraceId(trace)),
      root ? `${safeText(serviceOf(root))}: ${safeText(clip(root.name, 40))}` : '-',
      String(new Set(trace.spans.map(serviceOf)).size),
      String(trace.spans.length),
      formatDuration(traceDuration(trace)),
      String(trace.spans.filter((span) => span.status.code === 'ERROR').length),
    ]);
  }
  return table.toString();
}

export function serviceSummaryTable(rows: readonly ServiceSummary[]): string {
  const table = new Table({ head: ['service', 'spans', 'total time', 'self time', 'errors'], ...plain });
  for (const row of rows) table.push([safeText(row.service), String(row.spans), formatDuration(row.totalNano), formatDuration(row.selfNano), String(row.errors)]);
  return table.toString();
}

/** Everything about one span: fields, attributes, events and links, as tables. */
export function spanDetails(span: Span): string {
  const fields = new Table(plain);
  fields.push(
    ['span id', safeText(span.spanId)],
    ['parent id', safeText(span.parentSpanId ?? '(root)')],
    ['name', safeText(span.name)],
    ['service', safeText(serviceOf(span))],
    ['kind', span.kind],
    ['start', formatTimestamp(span.startTimeUnixNano)],
    ...(span.endTimeUnixNano === undefined || span.startTimeUnixNano === undefined ? [['end', formatTimestamp(span.endTimeUnixNano)]] : []),
    ['duration', formatDuration(durationNano(span))],
    ['status', span.status.message ? `${span.status.code}: ${safeText(span.status.message)}` : span.status.code],
    ['source', `${safeText(span.source.file)}${span.source.line ? `:${span.source.line}:${span.source.column ?? 1}` : ''}`],
  );
  const out = [fields.toString()];
  const attributes = Object.keys(span.attributes);
  if (attributes.length > 0) {
    const table = new Table({ head: ['attribute', 'value'], ...plain, wordWrap: true, colWidths: [36, 70] });
    for (const key of attributes.sort()) table.push([safeText(key), safeText(clip(showValue(span.attributes[key]!), 500))]);
    out.push(table.toString());
  }
  if (span.events.length > 0) {
    const table = new Table({ head: ['event', 'at', 'attributes'], ...plain, wordWrap: true, colWidths: [28, 12, 66] });
    for (const event of span.events) table.push([safeText(event.name || '(unnamed)'), eventOffset(event.timeUnixNano, span.startTimeUnixNano), safeText(clip(Object.entries(event.attributes).map(([k, v]) => `${k}=${showValue(v)}`).join(', '), 500))]);
    out.push(table.toString());
  }
  if (span.links.length > 0) {
    const table = new Table({ head: ['link to trace', 'span', 'attributes'], ...plain });
    for (const link of span.links) table.push([safeText(link.traceId), safeText(link.spanId), safeText(Object.entries(link.attributes).map(([k, v]) => `${k}=${showValue(v)}`).join(', ') || link.refType || '')]);
    out.push(table.toString());
  }
  return out.join('\n');
}

/** An attribute value as text: strings as they are, bytes by their length, the rest as JSON (bigints as digits). */
export function showValue(value: AttributeValue): string {
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value === 'string') return value;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `<${v.length} bytes>` : v));
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
