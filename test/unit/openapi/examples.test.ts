/** The request examples the reference shows must be real: the seed example is the fixture, and valid. */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../api/config/index.js";
import { SEED_CONFIG_YAML, seedConfigExamples } from "../../../api/http/examples.js";

describe("the seed config example", () => {
  it("is test/fixtures/configs/seed.yaml without its comment line", async () => {
    const fixture = await readFile(new URL("../../fixtures/configs/seed.yaml", import.meta.url), "utf8");
    expect(SEED_CONFIG_YAML).toBe(fixture.split("\n").slice(1).join("\n"));
  });

  it("is a valid config with the event bus, the publisher and the subscribed batch job", () => {
    const result = loadConfig(SEED_CONFIG_YAML, { format: "yaml" });
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(Object.keys((result as { config: { resources: object } }).config.resources).sort()).toEqual([
      "myConsumerBatchJob",
      "myEventBus",
      "myHttpApi",
      "myPublisherFunction",
    ]);
  });

  it("is offered as a `{ config }` body", () => {
    expect(seedConfigExamples.seed?.value).toEqual({ config: SEED_CONFIG_YAML });
  });
});
