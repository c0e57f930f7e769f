import { githubReporter } from './github.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { sarifReporter } from './sarif.js';
import { stylishReporter } from './stylish.js';
import type { Reporter } from './types.js';

export const REPORTERS = {
  stylish: stylishReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  junit: junitReporter,
  github: githubReporter,
} as const satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof REPORTERS;

export type { ExpectationCase, ReportInput, Reporter, RunNotice, RunSummary } from './types.js';
