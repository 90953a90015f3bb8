/**
 * Keys a tenant writes never reach Object.prototype (issue #15, items 1 and 2): overrides paths,
 * directive names and lookups, resource names and raw template references that name prototype
 * members are refused where they are wrong and work as ordinary names where they are names.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bearer, jsonRequest } from "../support/auth.js";
import { poll } from "../support/poll.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";
import { type Bystander, bystanderTeam, expectProblem, type Hostile, hostileTeam } from "./support.js";

let server: TestServer;
let hostile: Hostile;
let bystander: Bystander;
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype);

beforeAll(async () => {
  server = await startTestServer();
  [hostile, bystander] = await Promise.all([hostileTeam(server), bystanderTeam(server)]);
});
afterAll(() => server.close());

afterEach(async () => {
  // The server runs in this process: its prototypes are these.
  expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((Object as unknown as Record<string, unknown>).arn).toBeUndefined();
  await bystander.assertUntouched();
});

const busWithOverride = (path: string) =>
  `resources:\n  bus:\n    type: event-bus\n    overrides:\n      BusEventBus:\n        "${path}": 1\n`;

describe("overrides paths", () => {
  it.each([
    "__proto__.polluted",
    "constructor.prototype.polluted",
    "Tags.__proto__.polluted",
    "prototype",
    "__proto__",
  ])("refuses %s with a located 422 and stores nothing", async (path) => {
    const before = await hostile.versions();
    const body = await expectProblem(await hostile.postConfig(busWithOverride(path)), 422, "config-invalid");
    expect(body.errors).toEqual([
      {
        path: `resources.bus.overrides.BusEventBus.${path}`,
        line: 6,
        column: 9,
        message: expect.stringMatching(
          /names "(__proto__|constructor|prototype)", which is not a CloudFormation property/,
        ),
      },
    ]);
    expect(await hostile.versions()).toBe(before);
  });

  it("refuses a __proto__ key of a JSON config, which a JSON parser keeps as an own key", async () => {
    const text =
      '{"resources":{"bus":{"type":"event-bus","overrides":{"BusEventBus":{"__proto__":{"polluted":1}}}}}}';
    // As an object inside the JSON body, and as JSON text.
    for (const sent of [`{"config":${text}}`, JSON.stringify({ config: text })]) {
      const body = await expectProblem(
        await hostile.postConfig(sent, "application/json"),
        422,
        "config-invalid",
      );
      expect(body.errors[0].path).toBe("resources.bus.overrides.BusEventBus.__proto__");
    }
  });

  it("still applies ordinary paths, through arrays too", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(hostile.key), "content-type": "application/yaml" },
      body: busWithOverride("Description.Text").replace(": 1", ": hello"),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const template = (await bodyOf(res)).template;
    expect(template.Resources.BusEventBus.Properties.Description).toEqual({ Text: "hello" });
  });
});

describe("directives", () => {
  const fn = (value: string, extra = "") =>
    `${extra}resources:\n  fn:\n    type: function\n    properties:\n      packaging:\n        type: stacktape-lambda-buildpack\n        properties:\n          entryfilePath: src/a.ts\n      environment:\n        - name: A\n          value: ${value}\n`;

  it.each([
    [
      "$ResourceParam('constructor', 'arn')",
      /\$ResourceParam\(\): "constructor" is not a resource in this config/,
    ],
    ["$ResourceParam('toString', 'arn')", /"toString" is not a resource in this config/],
    ["$ResourceParam('fn', 'constructor')", /"constructor" is not a param of function "fn"/],
    ["$Param('hasOwnProperty', 'EventBus::Name')", /"hasOwnProperty" is not a resource in this config/],
    ["$Var().constructor", /\$Var\(\): "constructor" is not defined in variables/],
    ["$Var().toString", /\$Var\(\): "toString" is not defined in variables/],
    ["$Var().a.__proto__", /\$Var\(\): "a.__proto__" is not defined in variables/],
    ["$This().resources.constructor", /\$This\(\): "resources.constructor" is not defined in the config/],
    ["$toString()", /Unknown directive \$toString\(\)/],
    ["$constructor()", /Unknown directive \$constructor\(\)/],
    ["$hasOwnProperty('x')", /Unknown directive \$hasOwnProperty\(\)/],
  ])("refuses %s as a located config error", async (directive, message) => {
    const before = await hostile.versions();
    const body = await expectProblem(
      await hostile.postConfig(fn(directive, "variables:\n  a: { b: 1 }\n")),
      422,
      "config-invalid",
    );
    expect(body.errors).toEqual([
      {
        path: "resources.fn.properties.environment.0.value",
        line: 13,
        column: 18,
        message: expect.stringMatching(message),
      },
    ]);
    expect(await hostile.versions()).toBe(before);
  });

  it("refuses $CfResourceParam naming a prototype member when compiling", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(hostile.key), "content-type": "application/yaml" },
      body: fn("$CfResourceParam('toString', 'Arn')"),
    });
    const body = await expectProblem(res, 422, "config-invalid");
    expect(body.errors).toEqual([
      {
        path: "resources.fn.properties.environment.0.value",
        line: 11,
        column: 11,
        message: "$CfResourceParam(): no CloudFormation resource has the logical ID toString.",
      },
    ]);
  });

  it.each(["constructor", "toString", "hasOwnProperty", "__proto__"])(
    "answers a raw resource of Type %s as it answers any type it does not know, never with a crash",
    async (type) => {
      const validate = (t: string) =>
        server.fetch("/v1/validate", {
          method: "POST",
          headers: { ...bearer(hostile.key), "content-type": "application/yaml" },
          body: `resources: {}\ncloudformationResources:\n  Raw:\n    Type: "${t}"\n    Properties: {}\n`,
        });
      const [res, unknown] = await Promise.all([validate(type), validate("AWS::Made::Up")]);
      const [text, expected] = await Promise.all([res.text(), unknown.text()]);
      expect(res.status, text).toBe(unknown.status);
      expect(JSON.parse(text).valid).toBe(JSON.parse(expected).valid);
    },
  );

  it("keeps user keys as keys: an environment variable named __proto__, a file extension named constructor", async () => {
    const res = await server.fetch("/v1/validate", {
      method: "POST",
      headers: { ...bearer(hostile.key), "content-type": "application/yaml" },
      body: fn("x").replace("name: A", "name: __proto__").replace("src/a.ts", "src/a.constructor"),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const text = await res.text();
    const fnProps = JSON.parse(text).template.Resources.FnFunction.Properties;
    expect(text).toContain('"__proto__":"x"');
    expect(fnProps.Runtime).toBe("nodejs22.x");
  });
});

describe("names that are Object.prototype members", () => {
  it("deploys and operates buses named constructor, toString and valueOf like any other", async () => {
    const project = `${hostile.project}-names`;
    const created = await server.fetch("/v1/projects", jsonRequest(hostile.key, "POST", { name: project }));
    expect(created.status).toBe(201);
    const yaml = [
      "resources:",
      "  constructor: { type: event-bus }",
      "  toString: { type: event-bus }",
      "  valueOf:",
      "    type: sqs-queue",
      "    properties:",
      "      events:",
      "        - type: event-bus",
      "          properties: { eventBusName: constructor, eventPattern: { source: [proto] } }",
      "",
    ].join("\n");
    const posted = await server.fetch(`/v1/projects/${project}/configs`, {
      method: "POST",
      headers: { ...bearer(hostile.key), "content-type": "application/yaml" },
      body: yaml,
    });
    expect(posted.status, await posted.clone().text()).toBe(201);
    const stage = `/v1/projects/${project}/stages/dev`;
    const started = await server.fetch(`${stage}/deployments`, jsonRequest(hostile.key, "POST", {}));
    expect(started.status).toBe(202);
    const { id } = await bodyOf(started);
    const ended = await poll(
      async () => bodyOf(await server.fetch(`/v1/deployments/${id}`, jsonRequest(hostile.key, "GET"))),
      (d) => ["SUCCEEDED", "FAILED"].includes(d.status),
    );
    expect(ended.status, JSON.stringify(ended.reason)).toBe("SUCCEEDED");
    const stageBody = await bodyOf(await server.fetch(stage, jsonRequest(hostile.key, "GET")));
    const { outputs } = stageBody;
    expect(Object.keys(outputs).sort()).toEqual(["constructor", "toString", "valueOf"]);
    expect(outputs.constructor.arn).toMatch(/event-bus\/.*-constructor$/);
    expect(outputs.toString.arn).toMatch(/event-bus\/.*-toString$/);

    const published = await server.fetch(
      `${stage}/buses/constructor/events`,
      jsonRequest(hostile.key, "POST", { entries: [{ source: "proto", detailType: "t", detail: {} }] }),
    );
    expect((await bodyOf(published)).failedEntryCount).toBe(0);
    const rules = await bodyOf(
      await server.fetch(`${stage}/buses/constructor/rules`, jsonRequest(hostile.key, "GET")),
    );
    expect(rules.rules).toHaveLength(1);
    await expectProblem(
      await server.fetch(`${stage}/buses/hasOwnProperty/rules`, jsonRequest(hostile.key, "GET")),
      404,
    );
  });

  it("fails a deployment whose raw resources refer to prototype members with CloudFormation's reasons", async () => {
    const project = `${hostile.project}-raw`;
    expect(
      (await server.fetch("/v1/projects", jsonRequest(hostile.key, "POST", { name: project }))).status,
    ).toBe(201);
    const stage = `/v1/projects/${project}/stages/dev`;
    for (const [value, reason] of [
      [{ "Fn::GetAtt": ["toString", "Arn"] }, "Unresolved resource dependencies [toString]"],
      [{ Ref: "constructor" }, "Unresolved resource dependencies [constructor]"],
      [{ "Fn::GetAtt": ["Bus", "constructor"] }, "does not support attribute type constructor"],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax.
      [{ "Fn::Sub": "${hasOwnProperty}" }, "Unresolved resource dependencies [hasOwnProperty]"],
    ] as const) {
      const config = {
        resources: { bus: { type: "event-bus" } },
        cloudformationResources: {
          Bus: { Type: "AWS::SQS::Queue" },
          Extra: { Type: "AWS::SQS::Queue", Properties: { Tags: [{ Key: "k", Value: value }] } },
        },
      };
      const posted = await server.fetch(
        `/v1/projects/${project}/configs`,
        jsonRequest(hostile.key, "POST", { config }),
      );
      expect(posted.status, await posted.clone().text()).toBe(201);
      const started = await server.fetch(`${stage}/deployments`, jsonRequest(hostile.key, "POST", {}));
      expect(started.status, await started.clone().text()).toBe(202);
      const { id } = await bodyOf(started);
      const ended = await poll(
        async () => bodyOf(await server.fetch(`/v1/deployments/${id}`, jsonRequest(hostile.key, "GET"))),
        (d) => ["SUCCEEDED", "FAILED"].includes(d.status),
      );
      expect(ended.status).toBe("FAILED");
      expect(ended.reason).toContain(reason);
    }
  });
});
