/**
 * `load` run on the first call and shared by every later one; a failed load is not kept, so the next
 * call tries again (a transient failure at a cold start must not poison the process).
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    if (!loaded) {
      loaded = load();
      loaded.catch(() => {
        loaded = undefined;
      });
    }
    return loaded;
  };
}
