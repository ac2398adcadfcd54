/**
 * `make(key)` once per key while the key is among the last `limit` made (the oldest goes first):
 * for values costly to derive and asked for in bursts, such as one problem's or one firm's key.
 */
export function recentMemo<V>(limit: number, make: (key: string) => V): (key: string) => V {
  const recent = new Map<string, V>();
  return (key) => {
    let value = recent.get(key);
    if (value === undefined) {
      value = make(key);
      if (recent.size >= limit) recent.delete(recent.keys().next().value as string);
      recent.set(key, value);
    }
    return value;
  };
}
