import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

/**
 * Watches how full V8's heap is after each full garbage collection, when what
 * is left is what the program keeps. Every span read is kept (rules need the
 * whole set), so a big enough input fills the heap; V8 would then abort the
 * process with exit code 134. Reading stops instead, with an error that says
 * so, while there is still room to report it.
 */
export interface HeapWatch {
  /** Set once a full collection leaves the heap fuller than the share allowed. */
  readonly full: HeapUse | undefined;
  stop(): void;
}

/** The old generation, where kept data lives: bytes used and the limit. */
export interface HeapUse {
  usedBytes: number;
  limitBytes: number;
}

/**
 * Share of the old generation the kept data may fill: the rest is left for
 * checking (trace indexes, findings), which a run that stopped reading later
 * would not have room for.
 */
export const KEPT_SHARE = 0.75;

/**
 * V8's heap limit includes the young generation's reserve, which differs
 * between versions (48 MB in Node 20, 192 MB in Node 24); the kept data lives
 * in the old generation. Its limit is the size given with
 * --max-old-space-size when there is one, else the heap limit less the
 * largest reserve current versions take.
 */
const YOUNG_GENERATION_RESERVE_AT_MOST = 192 * 1024 ** 2;
const OLD_SPACE_FLAG = /--max[-_]old[-_]space[-_]size[= ](\d+)/g;

export function oldGenerationLimit(heapLimit: number, commandLine: readonly string[], nodeOptions = ''): number {
  // The command line wins over NODE_OPTIONS, and the last of several wins.
  const given = [...nodeOptions.matchAll(OLD_SPACE_FLAG), ...commandLine.join(' ').matchAll(OLD_SPACE_FLAG)].at(-1);
  if (given) return Number(given[1]) * 1024 ** 2;
  return Math.max(heapLimit - YOUNG_GENERATION_RESERVE_AT_MOST, heapLimit / 2);
}

/** Bytes in the old generation and the limit it can grow to. */
export function oldGenerationUse(): HeapUse {
  const { used_heap_size: used, heap_size_limit: limit } = getHeapStatistics();
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_used_size ?? 0;
  return { usedBytes: used - young, limitBytes: oldGenerationLimit(limit, process.execArgv, process.env.NODE_OPTIONS) };
}

export function watchHeap(share = KEPT_SHARE): HeapWatch {
  let full: HeapUse | undefined;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
      const use = oldGenerationUse();
      if (use.usedBytes > share * use.limitBytes) full ??= use;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    get full() {
      return full;
    },
    stop: () => observer.disconnect(),
  };
}
