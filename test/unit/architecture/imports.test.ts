import { cruise, type ICruiseResult, type IForbiddenRuleType } from "dependency-cruiser";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * The import graph of api/ and infra/ as dependency-cruiser reads it (type-only and dynamic imports
 * included; the generated client left out): no module imports itself back through others, the pure
 * core reaches no adapter and does no I/O, and only the composition roots (api/entry/) put the
 * adapters together.
 */
const CORE = "^api/(config|resources|compiler|eventbridge)/";

type Rule = IForbiddenRuleType & { name: string; comment: string };

const RULES: Rule[] = [
  {
    name: "no-cycles",
    comment: "no import circle: the modules on one cannot be read, tested or loaded apart",
    from: {},
    to: { circular: true },
  },
  {
    name: "core-is-pure",
    comment: "config/, resources/, compiler/ and eventbridge/ import no adapter, store, use case or route",
    from: { path: CORE },
    to: {
      path: [
        "^api/(aws|local|store)/",
        "^api/(routes|http|entry|deployments|buses|auth)/",
        "^api/(app|deps)\\.ts$",
      ],
    },
  },
  {
    name: "core-has-no-io",
    comment: "the core uses no Hono server and no AWS SDK client (the SDK's types are EventBridge's words)",
    from: { path: CORE },
    to: {
      path: ["^node_modules/hono/", "^node_modules/@hono/node-server/", "^node_modules/@aws-sdk/"],
      dependencyTypesNot: ["type-only"],
    },
  },
  {
    name: "adapters-only-in-entry",
    comment: "only the composition roots (api/entry/) import the local engine or the AWS adapters",
    from: { path: "^api/", pathNot: "^api/(entry|local|aws)/" },
    to: { path: "^api/(local|aws)/" },
  },
  {
    name: "adapters-apart",
    comment: "the local engine and the AWS adapters do not import each other",
    from: { path: "^api/(local|aws)/" },
    to: { path: "^api/(local|aws)/", pathNot: "^api/$1/" },
  },
  {
    name: "http-not-routes",
    comment: "http/ is the routes' toolkit and does not know the routes",
    from: { path: "^api/http/" },
    to: { path: "^api/routes/" },
  },
];

let result: ICruiseResult;

beforeAll(async () => {
  const cruised = await cruise(
    ["api", "infra"],
    {
      validate: true,
      ruleSet: { forbidden: RULES.map((rule) => ({ ...rule, severity: "error" })) },
      tsPreCompilationDeps: true,
      doNotFollow: { path: "^node_modules" },
      exclude: { path: "^sdk-client/src/gen" },
    },
    { extensions: [".ts", ".js", ".json"] },
    { tsConfig: extractTSConfig("tsconfig.json") },
  );
  result = cruised.output as ICruiseResult;
}, 60_000);

const violations = (rule: string) =>
  result.summary.violations
    .filter((v) => v.rule.name === rule)
    .map((v) => (v.cycle ? v.cycle.map((c) => c.name).join(" -> ") : `${v.from} -> ${v.to}`));

describe("the import graph", () => {
  it("holds every module of api/ and infra/, with what they import", () => {
    const sources = result.modules.map((m) => m.source);
    for (const known of ["api/app.ts", "api/compiler/index.ts", "api/resources/index.ts", "infra/app.ts"])
      expect(sources).toContain(known);
    const app = result.modules.find((m) => m.source === "api/app.ts")!;
    expect(app.dependencies.map((d) => d.resolved)).toContain("api/routes/mount.ts");
  });

  for (const rule of RULES) {
    it(`${rule.name}: ${rule.comment}`, () => {
      expect(violations(rule.name)).toEqual([]);
    });
  }
});
