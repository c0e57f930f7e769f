/** What a call throws (undefined if it returns), so tables can check an error's class, message and fields. */
export function thrown(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}
