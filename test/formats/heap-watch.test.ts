import { describe, expect, it } from 'vitest';
import { oldGenerationLimit, oldGenerationUse } from '../../src/formats/heap-watch.js';

const MB = 1024 ** 2;

describe('the old generation limit the heap watch compares against', () => {
  it.each([
    ['--max-old-space-size on the command line', 112 * MB, ['--max-old-space-size=64'], '', 64 * MB],
    ['the underscore spelling', 112 * MB, ['--max_old_space_size=64'], '', 64 * MB],
    ['in NODE_OPTIONS', 256 * MB, [], '--max-old-space-size=64', 64 * MB],
    ['the command line wins over NODE_OPTIONS', 1072 * MB, ['--max-old-space-size=1024'], '--max-old-space-size=64', 1024 * MB],
    ['the last of several wins', 1072 * MB, ['--max-old-space-size=64', '--max-old-space-size=1024'], '', 1024 * MB],
    ['no flag: the heap limit less the largest young-generation reserve (Node 24, default)', 4288 * MB, [], '', 4096 * MB],
    ['no flag on a small heap: at least half of it', 256 * MB, ['--inspect'], '--enable-source-maps', 128 * MB],
  ])('%s', (_name, heapLimit, commandLine, nodeOptions, expected) => {
    expect(oldGenerationLimit(heapLimit, commandLine, nodeOptions)).toBe(expected);
  });

  it("this process's use is below its limit", () => {
    const { usedBytes, limitBytes } = oldGenerationUse();
    expect(usedBytes).toBeGreaterThan(0);
    expect(usedBytes).toBeLessThan(limitBytes);
  });
});
