import path from 'node:path';

/** A finding's file as reports show it: relative to cwd, forward slashes; `<stdin>` kept. */
export function displayPath(file: string, cwd: string): string {
  if (file.startsWith('<')) return file;
  const relative = path.relative(cwd, path.resolve(cwd, file));
  return (relative.startsWith('..') ? path.resolve(cwd, file) : relative).split(path.sep).join('/');
}
