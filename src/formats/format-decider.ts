import { blankText, countBlank, firstNonBlank, repeatedBlank, type Blank } from './blank.js';

/**
 * A first line longer than this with no newline yet is read as one document:
 * a JSON-lines record is one export batch (megabytes), while a minified
 * document can be larger than a string may be, so it must not wait for a
 * newline that never comes.
 */
export const FIRST_LINE_MAX_CHARACTERS = 64 * 1024 * 1024;

/**
 * Decides from the head of an input whether it is JSON lines or one document,
 * keeping the text it has seen until then, to hand over to the reader chosen.
 *
 * JSON lines when the first non-blank line is a whole JSON object by itself
 * and more non-blank text follows. Each chunk is scanned once on its own
 * (never the growing whole), and whitespace is kept as counts where its
 * characters cannot matter: before the first line (nothing there is in a
 * string), after a first line that is a whole object (likewise), and within
 * the first line as chunks of one repeated character (exact, and not counted
 * against the bound: waiting on them holds nothing). So a gigabyte of padding
 * costs nothing held, and the text handed over is the text read.
 */
export class FormatDecider {
  constructor(private readonly firstLineMax = FIRST_LINE_MAX_CHARACTERS) {}

  /** What was seen: whitespace before the first line, the first line, and what follows it. */
  private head: Array<string | Blank> = [{ newlines: 0, columns: 0, char: ' ' }];
  private started = false;
  /** Characters of the first line kept so far (runs of whitespace are counted, not kept: they cost nothing to wait on). */
  private firstLine = 0;
  /** The whitespace after a first line that is a whole object, once the line has ended. */
  private after: Blank | undefined;

  /** Hands the text seen so far to `push`, in order and in pieces; once. */
  handOver(push: (text: string) => void): void {
    for (const item of this.head) {
      if (typeof item === 'string') push(item);
      else for (const piece of blankText(item)) push(piece);
    }
    this.head = [];
  }

  /** 'lines' or 'document' once the text seen tells; undefined until then. */
  decide(chunk: string): 'lines' | 'document' | undefined {
    if (this.after) return this.afterFirstLine(chunk);
    let from = 0;
    if (!this.started) {
      const at = firstNonBlank(chunk);
      countBlank(this.head[0] as Blank, chunk, 0, at === -1 ? chunk.length : at);
      if (at === -1) return undefined;
      this.started = true;
      from = at;
      if (chunk[at] !== '{') {
        this.keep(chunk, from);
        return 'document';
      }
    }
    const newline = chunk.indexOf('\n', from);
    if (newline === -1) {
      this.keep(chunk, from);
      return this.firstLine > this.firstLineMax ? 'document' : undefined;
    }
    this.keep(chunk, from, newline);
    if (!this.firstLineIsObject()) {
      this.keep(chunk, newline);
      return 'document';
    }
    this.after = { newlines: 0, columns: 0, char: ' ' };
    this.head.push(this.after);
    return this.afterFirstLine(chunk.slice(newline));
  }

  /** After a first line that is a whole object: JSON lines once non-blank text follows. */
  private afterFirstLine(chunk: string): 'lines' | undefined {
    const at = firstNonBlank(chunk);
    countBlank(this.after!, chunk, 0, at === -1 ? chunk.length : at);
    if (at === -1) return undefined;
    this.head.push(chunk.slice(at));
    return 'lines';
  }

  /** Keeps chunk[from, to) of the first line (or what follows it in a document). */
  private keep(chunk: string, from: number, to = chunk.length): void {
    if (from === to) return;
    const text = from === 0 && to === chunk.length ? chunk : chunk.slice(from, to);
    const char = repeatedBlank(text);
    const last = this.head[this.head.length - 1];
    if (char === undefined) {
      this.head.push(text);
      this.firstLine += text.length;
    } else if (typeof last === 'object' && last.newlines === 0 && last.char === char && this.head.length > 1) last.columns += text.length;
    else this.head.push({ newlines: 0, columns: text.length, char });
  }

  /**
   * Whether the first line is one JSON value. A run of one whitespace character is made one
   * character long for the test: inside a string or out, that changes nothing JSON.parse can
   * tell (spaces are valid in strings and between tokens, a tab or CR in a string is an error
   * however many), and the line is then no longer than what was kept.
   */
  private firstLineIsObject(): boolean {
    const parts = this.head.slice(1).map((item) => (typeof item === 'string' ? item : item.char));
    try {
      JSON.parse(parts.join(''));
      return true;
    } catch {
      return false;
    }
  }
}
