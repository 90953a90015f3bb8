import type { ConfigPath } from "./problem.js";
import type { ConfigBase, ResourceBase } from "./schema/root.js";

/** A problem found after the schemas passed, located by its config path only. */
export interface PathProblem {
  path: ConfigPath;
  message: string;
}

/** What one resource type lets others reference and checks of its own (api/resources/definition.ts). */
export interface ResourceChecks<R extends ResourceBase = ResourceBase> {
  readonly type: string;
  /** Its referenceable params' names ($ResourceParam, connectTo variables), known from the config alone. */
  paramNames(resource: R): string[];
  /** What a resource of this type can be for others' triggers. */
  readonly offers?: Offers;
  /** Its cross-resource rules: references to other resources, its triggers. */
  check?(name: string, resource: R, checks: ConfigChecks): void;
  /** Rules spanning the whole config (quotas shared by several resources), after every resource's. */
  checkConfig?(config: ConfigBase, checks: ConfigChecks): void;
  /** Concerns several types share (alarms, ...), each checked after the type's own rules. */
  readonly concerns?: readonly { check?(name: string, resource: R, checks: ConfigChecks): void }[];
}

/** What a resource can be for other resources' triggers. */
export interface Offers {
  /** A dead-letter queue for failed deliveries: its ARN as a CloudFormation expression. */
  readonly deadLetterQueue?: (name: string) => unknown;
}

/** What a type's checks see of the config, and where they report. */
export interface ConfigChecks {
  readonly config: ConfigBase;
  report(path: ConfigPath, message: string): void;
  /** `name` must be a resource of `type`; `role` is the property that names it (e.g. `eventBusName`). */
  expectType(path: ConfigPath, name: string, type: string, role: string): void;
  /** `name` must be a resource whose type offers `offer` (e.g. a queue as dead-letter queue). */
  expectOffer(path: ConfigPath, name: string, offer: keyof Offers, role: string): void;
}
