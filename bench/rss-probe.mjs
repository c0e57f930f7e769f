// Loaded with `node --import ./bench/rss-probe.mjs …`: reports the process's
// peak resident set size on exit, so a benchmark can measure a real CLI run.
import { writeFileSync } from 'node:fs';

const target = process.env.TRACELINT_RSS_FILE;
process.on('exit', () => {
  if (target) writeFileSync(target, String(process.resourceUsage().maxRSS * 1024));
});
