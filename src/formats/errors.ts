/**
 * The input could not be read as traces. Always names the file, and the line
 * and column where they are known, and what was expected there.
 */
export class InputError extends Error {
  override name = 'InputError';
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;
  /** The message without the location, to re-place the error (e.g. inside a larger input). */
  readonly reason: string;

  constructor(file: string, message: string, line?: number, column?: number) {
    const where = line === undefined ? file : column === undefined ? `${file}:${line}` : `${file}:${line}:${column}`;
    super(`${where}: ${message}`);
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = message;
  }
}
