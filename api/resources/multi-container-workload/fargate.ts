/**
 * Fargate task sizes: cpu in vCPU (as Stacktape writes it) → the memory sizes in MB Fargate accepts
 * with it (AWS's documented table). Anything else is a task definition ECS refuses at deploy time,
 * so it is a config error instead.
 */
const range = (from: number, to: number, step: number) =>
  Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);

export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [0.25, [512, 1024, 2048]],
  [0.5, range(1024, 4096, 1024)],
  [1, range(2048, 8192, 1024)],
  [2, range(4096, 16384, 1024)],
  [4, range(8192, 30720, 1024)],
  [8, range(16384, 61440, 4096)],
  [16, range(32768, 122880, 8192)],
]);

export const FARGATE_CPUS = [...FARGATE_SIZES.keys()];

/** Why Fargate refuses `cpu` vCPU with `memory` MB, or undefined when it runs them. */
export function fargateSizeProblem(
  cpu: number,
  memory: number,
): { field: "cpu" | "memory"; message: string } | undefined {
  const memories = FARGATE_SIZES.get(cpu);
  if (!memories) {
    return {
      field: "cpu",
      message: `Fargate runs ${FARGATE_CPUS.join(", ")} vCPU; cpu ${cpu} is none of them.`,
    };
  }
  if (memories.includes(memory)) return undefined;
  const [first, second] = memories;
  const options =
    memories.length <= 3
      ? `${memories.join(", ")} MB`
      : `${first}–${memories.at(-1)} MB in steps of ${second! - first!}`;
  return {
    field: "memory",
    message: `Fargate does not run ${cpu} vCPU with ${memory} MB of memory; with ${cpu} vCPU memory is ${options}.`,
  };
}

/** The task-definition `Cpu` value: CPU units, 1024 per vCPU. */
export const fargateCpuUnits = (cpu: number) => String(Math.round(cpu * 1024));
