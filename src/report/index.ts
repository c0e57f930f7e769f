import { githubChunks, githubReporter } from './github.js';
import { htmlReporter } from './html/reporter.js';
import { jsonChunks, jsonReporter } from './json.js';
import { junitChunks, junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import { sarifChunks, sarifReporter } from './sarif.js';
import { stylishChunks, stylishReporter } from './stylish.js';
import type { ReportInput, Reporter } from './types.js';

export const REPORTERS = {
  stylish: stylishReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  junit: junitReporter,
  github: githubReporter,
  markdown: markdownReporter,
  html: htmlReporter,
} as const satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof REPORTERS;

/** Whether a reporter draws the traces (`ReportInput.traces`): only then does a check build them all as objects. */
export function drawsTraces(name: ReporterName): boolean {
  return name === 'html' || name === 'markdown';
}

/**
 * A report as chunks, written as they are made: the reporters whose size grows
 * with the findings stream them (the text of a million findings is larger
 * than a string may be); the others (html, markdown: bounded in size) are one chunk.
 */
export function reportChunks(name: ReporterName, input: ReportInput): Iterable<string> {
  return STREAMED[name]?.(input) ?? [REPORTERS[name](input)];
}

const STREAMED: Partial<Record<ReporterName, (input: ReportInput) => Iterable<string>>> = {
  stylish: stylishChunks,
  json: jsonChunks,
  sarif: sarifChunks,
  junit: junitChunks,
  github: githubChunks,
};

export type { ExpectationCase, ReportInput, Reporter, RunNotice, RunSummary } from './types.js';
