/** Polling until a deployment reaches a terminal status, with progress callbacks and a deadline. */

/** Statuses after which a deployment never changes again. */
export const TERMINAL_DEPLOYMENT_STATUSES: readonly string[] = ["SUCCEEDED", "FAILED", "CANCELLED"];

export interface WaitForDeploymentOptions<D> {
  /** Called with the first read and then every time the deployment changes (status, events, ...). */
  onProgress?: (deployment: D) => void;
  /** Pause between reads. Default 1000 ms. */
  intervalMs?: number;
  /** Give up after this long with a DeploymentWaitTimeoutError. Default 15 minutes. */
  timeoutMs?: number;
  /** Stops waiting (rejects with the signal's reason); the deployment itself goes on. */
  signal?: AbortSignal;
}

export class DeploymentWaitTimeoutError<D = unknown> extends Error {
  constructor(
    readonly deploymentId: string,
    /** The last state read before giving up. */
    readonly deployment: D,
    timeoutMs: number,
  ) {
    super(`deployment ${deploymentId} did not finish within ${timeoutMs} ms`);
    this.name = "DeploymentWaitTimeoutError";
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Reads with `read` until `status` is terminal and returns that last read, whatever the outcome:
 * a FAILED deployment is an answer, not an error (check `status` and its reason).
 */
export async function pollDeployment<D extends { status: string }>(
  deploymentId: string,
  read: () => Promise<D>,
  options: WaitForDeploymentOptions<D> = {},
): Promise<D> {
  const { onProgress, intervalMs = 1000, timeoutMs = 15 * 60_000, signal } = options;
  const deadline = Date.now() + timeoutMs;
  let previous: string | undefined;
  for (;;) {
    signal?.throwIfAborted();
    const deployment = await read();
    const snapshot = JSON.stringify(deployment);
    if (snapshot !== previous) {
      previous = snapshot;
      onProgress?.(deployment);
    }
    if (TERMINAL_DEPLOYMENT_STATUSES.includes(deployment.status)) return deployment;
    const left = deadline - Date.now();
    if (left <= 0) throw new DeploymentWaitTimeoutError(deploymentId, deployment, timeoutMs);
    await sleep(Math.min(intervalMs, left), signal);
  }
}
