import { createHash } from "node:crypto";

/**
 * Names, as in Stacktape (reference/stacktape.md §1.4, §2.4, §6): logical IDs
 * `PascalCase(<resource>-<specifier>-<CfnTypeLastSegment>)`, physical names `<stack>-<resource>` where the
 * stack is `<prefix><project>-<stage>`, truncated at the AWS limit with a 6-hex shake256 suffix.
 */

/** AWS name length limits of the things we name. */
export const NAME_LIMITS = {
  bus: 256,
  rule: 64,
  archive: 48,
  lambda: 64,
  queue: 80,
  topic: 256,
  role: 64,
  api: 128,
  stateMachine: 80,
  /** Batch compute environments, job queues and job definitions. */
  batch: 128,
  instanceProfile: 128,
  logGroup: 512,
  ecsCluster: 255,
  /** EventBridge connections and API destinations. */
  connection: 64,
  deliveryStream: 64,
  alarm: 255,
  /** CodeDeploy applications and deployment groups. */
  codeDeploy: 100,
  kinesisConsumer: 128,
} as const;

/**
 * `<prefix><project>-<stage>`. The prefix (e.g. `sy-`) is what the deploy role's IAM is scoped to, so
 * it leads the stack name and thereby every physical name derived from it.
 */
export const stackName = (project: string, stage: string, prefix = "") => `${prefix}${project}-${stage}`;

// Names repeat across a compile (every reference rebuilds a logical ID), so conversions are cached.
const pascalCache = new Map<string, string>();
const PASCAL_CACHE_LIMIT = 50_000;

/** change-case pascalCase: words split at separators and case changes, each capitalized. */
export function pascalCase(text: string): string {
  let cached = pascalCache.get(text);
  if (cached === undefined) {
    if (pascalCache.size >= PASCAL_CACHE_LIMIT) pascalCache.clear();
    cached = convertToPascal(text);
    pascalCache.set(text, cached);
  }
  return cached;
}

function convertToPascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .flatMap((part) =>
      part
        .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
        .replace(/([A-Z])([A-Z][a-z])/g, "$1 $2")
        .split(" "),
    )
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase())
    .join("");
}

/** e.g. `logicalId("myEventBus", "AWS::Events::EventBus")` → `MyEventBusEventBus`. */
export function logicalId(resourceName: string, cfnType: string, specifier = ""): string {
  const typeSegment = cfnType.split("::").pop()!;
  return pascalCase(`${resourceName}-${specifier}-${typeSegment}`);
}

/** The logical IDs of one subscription: `<Consumer>Event<i><Type>`. */
export const eventLogicalId = (consumer: string, index: number, cfnType: string) =>
  logicalId(consumer, cfnType, `Event${index}`);

/** Truncates to `limit - 7` characters plus `-` and 3 bytes of shake256 in hex when too long. */
export function physicalName(name: string, limit: number): string {
  if (name.length <= limit) return name;
  const hash = createHash("shake256", { outputLength: 3 }).update(name).digest("hex");
  return `${name.slice(0, limit - 7)}-${hash}`;
}

export const resourcePhysicalName = (stack: string, resourceName: string, limit: number) =>
  physicalName(`${stack}-${resourceName}`, limit);
