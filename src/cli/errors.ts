/**
 * An error the user can act on: printed as one line (no stack trace unless
 * --debug) and mapped to exit code 2, "could not do the job".
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
