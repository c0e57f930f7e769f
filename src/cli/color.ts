/**
 * Whether to colour output on a stream: an explicit --color/--no-color wins,
 * then NO_COLOR (any non-empty value) and FORCE_COLOR (0 means no), then
 * whether the stream is a terminal.
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag?: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return stream.isTTY === true;
}
