import type { MultiContainerWorkloadResource } from "../../config/index.js";
import type { ResourceCompiler } from "../registry.js";

/**
 * Validated (schema, connectTo as a source) but not compiled yet: containers, scaling and the
 * platform network arrive with a later issue. Compiling one is a warning, not a silent omission.
 */
export const multiContainerWorkload: ResourceCompiler<MultiContainerWorkloadResource> = {
  compile(name, _resource, ctx) {
    ctx.warn(
      ["resources", name],
      "multi-container-workload is validated but not compiled yet; it is left out of the template.",
    );
  },
  params: () => ({}),
};
