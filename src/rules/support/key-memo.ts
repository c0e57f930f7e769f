/**
 * What `describe` says of an attribute key, worked out once per key: keys
 * repeat across millions of spans. Bounded: past `limit` keys, new ones are
 * worked out each time instead of remembered.
 */
export function memoByKey<T>(describe: (key: string) => T, limit = 100_000): (key: string) => T {
  const known = new Map<string, T>();
  return (key) => {
    let value = known.get(key);
    if (value === undefined) {
      value = describe(key);
      if (known.size < limit) known.set(key, value);
    }
    return value;
  };
}
