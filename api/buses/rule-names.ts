/**
 * A rule named the way the config names it: `myConsumer` (the resource's only event-bus trigger on
 * the bus) or `myConsumer.1` (its `events[1]`). The deployed template maps those to the physical
 * rule name, which is what EventBridge and the delivery log know. Anything else is taken as the
 * physical name itself (those always contain `-`; config resource names are alphanumeric).
 */
import { eventLogicalId } from "../compiler/naming.js";
import type { Template } from "../deployments/port.js";
import { DomainError } from "../errors.js";

const CONFIG_NAME = /^([A-Za-z0-9]+)(?:\.(\d{1,4}))?$/;
const RULE_TYPE = "AWS::Events::Rule";

export async function physicalRuleName(
  requested: string,
  template: Template | undefined,
  /** Physical names of the rules on the bus; read only for a config name. */
  busRules: () => Promise<string[]>,
  where: { bus: string; stage: string },
): Promise<string> {
  const m = CONFIG_NAME.exec(requested);
  if (!m) return requested;
  const resource = m[1]!;
  const onBus = new Set(await busRules());
  const named = (index: number): string | undefined => {
    const id = eventLogicalId(resource, index, RULE_TYPE);
    const entry = template && Object.hasOwn(template.Resources, id) ? template.Resources[id] : undefined;
    const name = entry?.Type === RULE_TYPE ? entry.Properties?.Name : undefined;
    return typeof name === "string" && onBus.has(name) ? name : undefined;
  };
  if (m[2] !== undefined) {
    const name = named(Number(m[2]));
    if (name) return name;
    throw new DomainError(
      "not-found",
      `Event bus ${where.bus} of stage ${where.stage} has no rule for events[${m[2]}] of ${resource}.`,
    );
  }
  // The resource's triggers on this bus: rule IDs are `<Resource>Event<n>Rule`.
  const found: string[] = [];
  const stem = eventLogicalId(resource, 0, RULE_TYPE).slice(0, -"Event0Rule".length);
  for (const id of Object.keys(template?.Resources ?? {})) {
    const index = /^Event(\d{1,4})Rule$/.exec(id.slice(stem.length))?.[1];
    if (!id.startsWith(stem) || index === undefined) continue;
    if (eventLogicalId(resource, Number(index), RULE_TYPE) === id && named(Number(index))) {
      found.push(`${resource}.${index}`);
    }
  }
  if (found.length === 1) return named(Number(found[0]!.split(".")[1]))!;
  if (found.length > 1) {
    throw new DomainError(
      "bad-request",
      `${resource} subscribes to event bus ${where.bus} ${found.length} times: name one trigger (${found.join(", ")}).`,
    );
  }
  throw new DomainError(
    "not-found",
    `Event bus ${where.bus} of stage ${where.stage} has no rule of ${resource}.`,
  );
}
