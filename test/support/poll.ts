/**
 * Polls `read` every `intervalMs` until `done` holds, or until `timeoutMs` passes; returns the last
 * value either way so the caller's assertion names what was seen. No sleeps of fixed length.
 */
export async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
