import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

/** Compares text with a stored golden file in `dir`; UPDATE_GOLDEN=1 writes it instead (then review it by eye). */
export function matchesGolden(dir: string, name: string, text: string): void {
  const file = path.join(dir, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    if (process.env.UPDATE_GOLDEN !== '1') throw new Error(`missing golden ${name}: run UPDATE_GOLDEN=1 npx vitest run ${path.relative(process.cwd(), path.dirname(dir))}`);
    writeFileSync(file, text);
  }
  expect(text).toBe(readFileSync(file, 'utf8'));
}
