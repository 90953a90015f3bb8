/** Dependency order of a template's resources: Ref, GetAtt and Sub references plus DependsOn. */
import type { Template } from "../../deployments/port.js";
import { hasOwn, own } from "../../prototype-safe.js";
import { referencedIds, TemplateError } from "./intrinsics.js";

export function dependenciesOf(template: Template, logicalId: string): string[] {
  const resource = own(template.Resources, logicalId);
  if (!resource) return [];
  const deps = referencedIds(resource.Properties ?? {});
  const dependsOn = resource.DependsOn;
  for (const d of Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : []) deps.add(d);
  return [...deps].filter((id) => hasOwn(template.Resources, id) && id !== logicalId);
}

/** Logical IDs in an order where every resource comes after what it depends on. */
export function creationOrder(template: Template, include: (id: string) => boolean = () => true): string[] {
  const ids = Object.keys(template.Resources).filter(include);
  const state = new Map<string, "visiting" | "done">();
  const order: string[] = [];
  const visit = (id: string, path: string[]) => {
    const s = state.get(id);
    if (s === "done") return;
    if (s === "visiting") {
      throw new TemplateError(
        `Circular dependency between resources: [${[...path.slice(path.indexOf(id)), id].join(", ")}]`,
      );
    }
    state.set(id, "visiting");
    for (const dep of dependenciesOf(template, id)) {
      if (include(dep)) visit(dep, [...path, id]);
    }
    state.set(id, "done");
    order.push(id);
  };
  for (const id of ids) visit(id, []);
  return order;
}
