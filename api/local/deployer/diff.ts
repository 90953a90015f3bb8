/**
 * The local preview: a structural diff between the template last applied to a stack and a new one,
 * the way a change set lists it (Add / Modify with replacement / Remove, by logical ID and type).
 */
import { isDeepStrictEqual } from "node:util";
import type { StackChange, Template } from "../../deployments/port.js";
import { hasOwn, own } from "../../prototype-safe.js";
import { handlerFor } from "./handlers/index.js";
import { referencedIds } from "./intrinsics.js";

export function diffTemplates(
  previous: { template?: Template; parameters?: Record<string, string> },
  next: { template: Template; parameters: Record<string, string> },
): StackChange[] {
  const before = previous.template?.Resources ?? {};
  const after = next.template.Resources;
  const changedParams = new Set(
    Object.keys({ ...previous.parameters, ...next.parameters }).filter(
      (k) => own(previous.parameters, k) !== own(next.parameters, k),
    ),
  );
  const changes: StackChange[] = [];
  for (const [logicalId, resource] of Object.entries(after)) {
    const old = own(before, logicalId);
    if (!old) {
      changes.push({ action: "Add", logicalId, resourceType: resource.Type });
      continue;
    }
    if (old.Type !== resource.Type) {
      changes.push({ action: "Modify", logicalId, resourceType: resource.Type, replacement: "True" });
      continue;
    }
    const oldProps = old.Properties ?? {};
    const newProps = resource.Properties ?? {};
    const properties = [...new Set([...Object.keys(oldProps), ...Object.keys(newProps)])].filter(
      (k) =>
        !isDeepStrictEqual(own(oldProps, k), own(newProps, k)) ||
        [...referencedIds(own(newProps, k))].some((id) => changedParams.has(id)),
    );
    if (properties.length === 0) continue;
    const replaceOn = handlerFor(resource.Type).replaceOn;
    changes.push({
      action: "Modify",
      logicalId,
      resourceType: resource.Type,
      replacement: properties.some((p) => replaceOn.includes(p)) ? "True" : "False",
      properties: properties.sort(),
    });
  }
  for (const [logicalId, resource] of Object.entries(before)) {
    if (!hasOwn(after, logicalId)) changes.push({ action: "Remove", logicalId, resourceType: resource.Type });
  }
  return changes;
}
