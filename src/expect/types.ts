import type { Assertion } from './assertion.js';
import type { Selector } from './selector.js';

/** 1-based line and column (UTF-16 code units) in a spec file. */
export interface Position {
  line: number;
  column: number;
}

/** A spec file, parsed and checked: every selector and assertion in it is valid. */
export interface SpecFile {
  /** The file as the user named it (relative paths stay relative): shown in messages and reports. */
  file: string;
  /** The test's name (`spec.name` of a Tracetest test), when it has one. */
  name?: string;
  /** tracelint's extension: the file applies only to traces with a span this selects. */
  traces?: { selector: Selector; at: Position };
  specs: Spec[];
  /** Where the specs begin: findings about the whole file point here. */
  at: Position;
}

export interface Spec {
  /** 0-based, in file order. */
  index: number;
  name?: string;
  selector: Selector;
  /** Where the selector is written. */
  at: Position;
  assertions: SpecAssertion[];
  /** Why the spec cannot be checked on recorded traces (it is about Tracetest's trigger), when it cannot. */
  skip?: string;
}

export interface SpecAssertion {
  assertion: Assertion;
  /** 0-based, within its spec. */
  index: number;
  at: Position;
}
