import { describe, expect, it } from "vitest";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";
import { compileFixture } from "./fixtures.js";

/**
 * Golden templates: each fixture config under test/fixtures/configs compiles to the template kept
 * beside it in test/fixtures/templates (reviewed by hand), and that template passes the
 * CloudFormation registry schema check.
 */
const FIXTURES = [
  "seed",
  "event-bus",
  "subscriptions",
  "sqs-queue",
  "function",
  "batch-job",
  "http-api-gateway",
];

describe("golden templates", () => {
  for (const name of FIXTURES) {
    it(`${name} compiles to its golden template, which passes the registry schema`, async () => {
      const { template } = compileFixture(name);
      await expect(`${JSON.stringify(template, null, 2)}\n`).toMatchFileSnapshot(
        `../../fixtures/templates/${name}.json`,
      );
      expect(validateTemplateAgainstRegistry(template)).toEqual([]);
    });
  }
});
