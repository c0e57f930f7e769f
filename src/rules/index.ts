import type { Rule } from '../lint/types.js';

/**
 * Every rule, in the order `tracelint rules` lists them. One file per rule,
 * named by its id; each category's rules are listed in their own block.
 */

// propagation, ids and structure

// timing

// sampling and loss

// hygiene

export const RULES: readonly Rule[] = [
  // propagation, ids and structure

  // timing

  // sampling and loss

  // hygiene
] as Rule[];
