import { describe, expect, it } from "vitest";
import { ConfigValidationError, compile } from "../../../api/compiler/index.js";
import { loadConfig } from "../../../api/config/index.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";
import { mutatedConfigs } from "../../support/mutated-configs.js";

/**
 * Seeded mutations of the fixture configs (test/support/mutated-configs.ts): loading never throws
 * and always explains a rejection; compiling what loads either succeeds with a template that passes
 * the registry schema or throws ConfigValidationError, never anything else.
 */
const ITERATIONS = 800;

describe("mutated configs", () => {
  it("never crash the loader or the compiler, and compile only to valid templates", () => {
    const outcomes = { compiled: 0, rejected: 0, compileErrors: 0 };
    for (const text of mutatedConfigs(ITERATIONS)) {
      const loaded = loadConfig(text);
      if (!loaded.ok) {
        expect(loaded.errors.length).toBeGreaterThan(0);
        outcomes.rejected++;
        continue;
      }
      try {
        const { template } = compile(loaded.config, { project: "shop", stage: "dev" });
        const problems = validateTemplateAgainstRegistry(template).filter(
          (p) => !p.startsWith("Template body"),
        );
        expect(problems).toEqual([]);
        outcomes.compiled++;
      } catch (e) {
        if (!(e instanceof ConfigValidationError)) throw e;
        outcomes.compileErrors++;
      }
    }
    // The mutations must exercise both paths, or the test proves nothing.
    expect(outcomes.compiled).toBeGreaterThan(50);
    expect(outcomes.rejected).toBeGreaterThan(300);
  });
});
