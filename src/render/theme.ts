import { Chalk, type ChalkInstance } from 'chalk';
import type { Mark } from '../analysis/marks.js';

export type { Mark } from '../analysis/marks.js';

/** How the picture is drawn: colour or not, Unicode or ASCII. */
export interface Theme {
  c: ChalkInstance;
  unicode: boolean;
  symbols: Record<Mark, string>;
  bar: { full: string; sliver: string; event: string; axis: string; tick: string };
  tree: { branch: string; last: string; pipe: string; space: string };
  /** A stable colour per service (hash of the name), never red, which means error. */
  service(name: string): (text: string) => string;
}

/** How marks look; their meanings are in analysis/marks. */
export const UNICODE_MARKS: Record<Mark, string> = { critical: '★', error: '✖', orphan: '⚠', skew: '≈', lost: '↯', link: '⇢', cycle: '↻' };
const ASCII: Record<Mark, string> = { critical: '*', error: '!', orphan: '?', skew: '~', lost: 'x', link: '>', cycle: '@' };
const PALETTE = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'cyanBright', 'magentaBright', 'yellowBright', 'greenBright', 'blueBright'] as const;

export function makeTheme(color: boolean, unicode: boolean): Theme {
  const c = new Chalk({ level: color ? 1 : 0 });
  return {
    c,
    unicode,
    symbols: unicode ? UNICODE_MARKS : ASCII,
    bar: unicode ? { full: '█', sliver: '▏', event: '◆', axis: '─', tick: '┬' } : { full: '#', sliver: '|', event: 'o', axis: '-', tick: '+' },
    tree: unicode ? { branch: '├─ ', last: '└─ ', pipe: '│  ', space: '   ' } : { branch: '|- ', last: '`- ', pipe: '|  ', space: '   ' },
    service(name: string) {
      let hash = 0x811c9dc5;
      for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
      return c[PALETTE[hash % PALETTE.length]!];
    },
  };
}
