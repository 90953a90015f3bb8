/** Recognising CloudFormation's errors and answers, and retrying throttled calls. */

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
]);

export function isThrottling(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return THROTTLING.has(e?.name ?? "") || e?.$metadata?.httpStatusCode === 429;
}

/** `ValidationError: Stack with id <name> does not exist`. */
export function isStackMissing(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === "ValidationError" && /does not exist/.test(e.message ?? "");
}

/** A change set that failed only because there was nothing to change (§7.1): a no-op, not an error. */
export function isEmptyChangeSet(reason: string | undefined): boolean {
  return (
    reason !== undefined &&
    (reason.startsWith("The submitted information didn't contain changes") ||
      reason.startsWith("No updates are to be performed"))
  );
}

/** Retries `fn` on retryable errors with capped exponential backoff and full jitter. */
export async function withRetries<T>(
  fn: () => Promise<T>,
  options: { attempts: number; sleep: (ms: number) => Promise<void>; retryable: (err: unknown) => boolean },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= options.attempts || !options.retryable(err)) throw err;
      await options.sleep(Math.random() * Math.min(10_000, 200 * 2 ** attempt));
    }
  }
}
