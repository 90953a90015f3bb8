/** Small, dependency-free measurement helpers for `npm run bench`. */

export interface BenchRow {
  /** What was measured, e.g. "GET /healthz through the app". */
  name: string;
  unit: string;
  value: number;
  /** The comparison measured in the same run, same process. */
  baseline: { name: string; value: number };
  /** Whether a larger value is better (throughput) or worse (latency, size, time). */
  better: "higher" | "lower";
  /** Optional budget, as a ratio value/baseline that must hold. */
  target?: string;
}

export interface Throughput {
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  samples: number;
}

/** Runs `fn` sequentially for a warm-up then for `iterations`, timing each call. */
export async function measure(
  fn: () => Promise<unknown> | unknown,
  iterations = 2000,
  warmup = 200,
): Promise<Throughput> {
  for (let i = 0; i < warmup; i++) await fn();
  const times = new Float64Array(iterations);
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    times[i] = performance.now() - t0;
  }
  const total = performance.now() - start;
  times.sort();
  return {
    opsPerSec: (iterations / total) * 1000,
    p50Ms: times[Math.floor(iterations * 0.5)] ?? 0,
    p99Ms: times[Math.min(iterations - 1, Math.floor(iterations * 0.99))] ?? 0,
    samples: iterations,
  };
}

/** Runs `fn` with `concurrency` callers in flight until `total` calls are done. */
export async function measureConcurrent(
  fn: () => Promise<unknown>,
  total = 2000,
  concurrency = 16,
): Promise<Throughput> {
  const times: number[] = [];
  let started = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started++;
        const s = performance.now();
        await fn();
        times.push(performance.now() - s);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  times.sort((a, b) => a - b);
  return {
    opsPerSec: (times.length / elapsed) * 1000,
    p50Ms: times[Math.floor(times.length * 0.5)] ?? 0,
    p99Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0,
    samples: times.length,
  };
}
