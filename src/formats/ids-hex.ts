import type { IdProblem } from '../model/span.js';
import { normaliseHexId } from '../model/ids.js';

/**
 * Jaeger and Zipkin write ids as hex numbers: 64-bit trace ids, and (older
 * clients) without leading zeros. Those are padded to full width; a 64-bit trace
 * id is a legal encoding and not noted, any other short id is noted as `padded`.
 */
export function readNumericHexId(raw: string, length: number, field: IdProblem['field'], problems: IdProblem[]): string {
  const result = normaliseHexId(raw, length, true);
  const legal64BitTraceId = length === 32 && raw.length === 16 && result.problem === 'padded';
  if (result.problem && !legal64BitTraceId) problems.push({ field, seen: raw, problem: result.problem });
  return result.id;
}
