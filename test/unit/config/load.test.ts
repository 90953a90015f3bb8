import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../api/config/index.js";

const seed = readFileSync("test/fixtures/configs/seed.yaml", "utf8");

describe("loadConfig", () => {
  it("loads the seed example, resolving $Var and keeping the original text", () => {
    const result = loadConfig(seed);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.format).toBe("yaml");
    expect(result.source).toBe(seed);
    expect(result.warnings).toEqual([]);
    expect(Object.keys(result.config.resources)).toEqual([
      "myEventBus",
      "myPublisherFunction",
      "myConsumerBatchJob",
      "myHttpApi",
    ]);
    const job = result.config.resources.myConsumerBatchJob!;
    if (job.type !== "batch-job") throw new Error("expected a batch job");
    expect((job.properties.events![0]!.properties as { eventPattern?: unknown }).eventPattern).toEqual({
      detail: { EventName: ["BUDGET_ANALYSIS"] },
    });
    // Runtime directives stay as written for the compiler.
    const fn = result.config.resources.myPublisherFunction!;
    if (fn.type !== "function") throw new Error("expected a function");
    expect(fn.properties.environment).toEqual([
      { name: "EVENT_NAME", value: "BUDGET_ANALYSIS" },
      { name: "EVENT_BUS_NAME", value: "$Param('myEventBus', 'EventBus::Name')" },
    ]);
  });

  it("loads the same config from JSON text and from an object", () => {
    const fromYaml = loadConfig(seed);
    if (!fromYaml.ok) throw new Error("seed must load");
    const raw = { variables: { eventName: "BUDGET_ANALYSIS" }, resources: { bus: { type: "event-bus" } } };
    const fromJson = loadConfig(JSON.stringify(raw));
    const fromObject = loadConfig(raw);
    expect(fromJson).toMatchObject({
      ok: true,
      format: "json",
      config: { resources: { bus: { type: "event-bus" } } },
    });
    expect(fromObject).toMatchObject({ ok: true, format: "json", source: JSON.stringify(raw, null, 2) });
  });

  it("locates errors in JSON text by line and column", () => {
    const result = loadConfig(
      '{\n  "resources": {\n    "bus": { "type": "event-bus", "properties": { "color": 1 } }\n  }\n}',
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          path: "resources.bus.properties.color",
          line: 3,
          column: 51,
          message: expect.stringMatching(/^Unknown property "color"\./),
        },
      ],
    });
  });

  it("reads undeclared text starting with { as YAML when it is not JSON", () => {
    expect(loadConfig("{resources: {bus: {type: event-bus}}}")).toMatchObject({
      ok: true,
      format: "yaml",
      config: { resources: { bus: { type: "event-bus" } } },
    });
  });

  it("reports malformed JSON where it breaks, in our words (not the JSON parser's)", () => {
    const result = loadConfig('{"resources": ', { format: "json" });
    expect(result).toEqual({
      ok: false,
      errors: [{ path: "(root)", line: 1, column: 15, message: "The config is not valid JSON." }],
    });
  });

  it("reports errors of an object config by path only", () => {
    expect(
      loadConfig({ resources: { bus: { type: "event-bus", properties: { archivation: {} } } } }),
    ).toEqual({
      ok: false,
      errors: [
        {
          path: "resources.bus.properties.archivation.enabled",
          message: 'Missing required property "enabled".',
        },
      ],
    });
  });

  it("accepts serviceName with a warning and drops it", () => {
    const result = loadConfig("serviceName: legacy\nresources:\n  bus:\n    type: event-bus\n");
    expect(result).toMatchObject({
      ok: true,
      warnings: [
        {
          path: "serviceName",
          line: 1,
          column: 1,
          message: "serviceName is deprecated and ignored: the project and stage name the stack.",
        },
      ],
    });
    if (result.ok) expect("serviceName" in result.config).toBe(false);
  });

  it("rejects a config that is not an object", () => {
    expect(loadConfig("- a\n- b\n")).toEqual({
      ok: false,
      errors: [
        {
          path: "(root)",
          line: 1,
          column: 1,
          message: "A config is an object with at least a `resources` key.",
        },
      ],
    });
  });

  it("resolves $Var to structured values and $This to the config", () => {
    const result = loadConfig(
      "variables:\n  retention: 60\n  sizes: { cpu: 2, memory: 1024 }\nresources:\n  bus:\n    type: event-bus\n    properties:\n      archivation: { enabled: true, retentionDays: $Var().retention }\n  job:\n    type: batch-job\n    properties:\n      container: { packaging: { type: prebuilt-image, properties: { image: x } } }\n      resources: $Var().sizes\n      timeout: $This().variables.retention\n",
    );
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.config.resources.bus).toEqual({
      type: "event-bus",
      properties: { archivation: { enabled: true, retentionDays: 60 } },
    });
    expect(result.config.resources.job).toMatchObject({
      properties: { resources: { cpu: 2, memory: 1024 }, timeout: 60 },
    });
  });

  it("supports anchors and merge keys for shared settings", () => {
    const result = loadConfig(
      "x-fn: &fn\n  packaging: { type: custom-artifact }\n  memory: 512\nresources:\n  a:\n    type: function\n    properties:\n      <<: *fn\n      timeout: 30\n",
    );
    // The anchor's holder is not a known top-level key, so it is reported; the merge itself worked.
    expect(result).toMatchObject({ ok: false, errors: [{ path: "x-fn", line: 1, column: 1 }] });
    const ok = loadConfig(
      "variables:\n  fn: &fn\n    packaging: { type: custom-artifact }\n    memory: 512\nresources:\n  a:\n    type: function\n    properties:\n      <<: *fn\n      timeout: 30\n",
    );
    if (!ok.ok) throw new Error(JSON.stringify(ok.errors));
    expect(ok.config.resources.a).toEqual({
      type: "function",
      properties: { packaging: { type: "custom-artifact" }, memory: 512, timeout: 30 },
    });
  });

  it("validates a multi-container-workload as a connectTo source", () => {
    const yaml = (connectTo: string) =>
      `resources:\n  bus:\n    type: event-bus\n  web:\n    type: multi-container-workload\n    properties:\n      resources: { cpu: 1, memory: 2048 }\n      connectTo: [${connectTo}]\n      containers:\n        - name: app\n          packaging: { type: prebuilt-image, properties: { image: x } }\n`;
    expect(loadConfig(yaml("bus"))).toMatchObject({
      ok: true,
      config: { resources: { web: { properties: { connectTo: ["bus"] } } } },
    });
    expect(loadConfig(yaml("bsu"))).toEqual({
      ok: false,
      errors: [
        {
          path: "resources.web.properties.connectTo.0",
          line: 8,
          column: 19,
          message: 'connectTo "bsu" is not a resource in this config. Did you mean "bus"?',
        },
      ],
    });
  });

  it("accepts every subscription option", () => {
    const result = loadConfig(readFileSync("test/fixtures/configs/subscriptions.yaml", "utf8"));
    expect(result.ok).toBe(true);
  });
});
