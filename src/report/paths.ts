import path from 'node:path';
import type { Diagnostic } from '../lint/types.js';
import type { FormatName } from '../model/span.js';

/** A finding's file as reports show it: relative to cwd, forward slashes; `<stdin>` kept. */
export function displayPath(file: string, cwd: string): string {
  if (file.startsWith('<')) return file;
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return (relative.startsWith('..') ? path.resolve(cwd, file) : relative).split(path.sep).join('/');
}

/**
 * The format of the input a finding's trace was read from, to show its trace id as that input's
 * tools do: the location's, or for a finding located in a spec file, the `inputFormat` it names.
 */
export function inputFormatOf(d: Diagnostic): FormatName | undefined {
  if (d.location?.format !== 'spec') return d.location?.format;
  return typeof d.data.inputFormat === 'string' ? (d.data.inputFormat as FormatName) : undefined;
}
