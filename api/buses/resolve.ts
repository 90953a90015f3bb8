import { DomainError } from "../errors.js";
import { DEFAULT_BUS, resourceNameOf } from "../eventbridge/arns.js";
import type { BusLocation } from "./port.js";

/** The part of a stage record bus operations read: what is deployed and its referenceable params. */
export interface DeployedStage {
  deployed: boolean;
  /** Referenceable params per resource of the config (`{ myBus: { arn, archiveArn? } }`). */
  outputs: Record<string, Record<string, string>>;
}

/**
 * The bus a config resource name stands for in a deployed stage, from the stage's outputs (the
 * physical name is the last part of its ARN). Unknown stage or bus: 404.
 */
export function resolveBus(
  stage: DeployedStage | undefined,
  names: { project: string; stage: string; bus: string },
): BusLocation {
  if (!stage?.deployed) {
    throw new DomainError("not-found", `Stage ${names.stage} of project ${names.project} is not deployed.`);
  }
  const params = Object.hasOwn(stage.outputs, names.bus) ? stage.outputs[names.bus] : undefined;
  const name = params?.arn ? resourceNameOf(params.arn, "event-bus") : undefined;
  if (!params?.arn || !name) {
    throw new DomainError(
      "not-found",
      `Stage ${names.stage} of project ${names.project} has no event bus named ${names.bus}.`,
    );
  }
  return { name, arn: params.arn, ...(params.archiveArn ? { archiveArn: params.archiveArn } : {}) };
}

/** A rule's ARN on a bus, built from the bus ARN (`rule/<bus>/<rule>` on custom buses). */
export function ruleArnOn(bus: BusLocation, rule: string): string {
  const prefix = bus.arn.slice(0, bus.arn.lastIndexOf(":event-bus/"));
  return bus.name === DEFAULT_BUS ? `${prefix}:rule/${rule}` : `${prefix}:rule/${bus.name}/${rule}`;
}
