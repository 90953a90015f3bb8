/**
 * In AWS the deploy role may only create roles that carry the platform's permissions boundary
 * (infra/workload-boundary.ts): the compiler puts it on every role, the user's raw roles included.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  type CompileResult,
  type CompileTarget,
  ConfigValidationError,
  compile,
} from "../../../api/compiler/index.js";
import { type Config, loadConfig, locateProblems } from "../../../api/config/index.js";
import { validateTemplateAgainstRegistry } from "../../support/cfn-schema.js";

const BOUNDARY = "arn:aws:iam::123456789012:policy/Switchyard-WorkloadBoundary-1A2B3C";
const TARGET: CompileTarget = {
  project: "shop",
  stage: "prod",
  region: "eu-west-1",
  stackPrefix: "sy-",
  permissionsBoundary: BOUNDARY,
};

function load(yaml: string): Config {
  const loaded = loadConfig(yaml, { format: "yaml" });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

const fixture = (name: string) => load(readFileSync(`test/fixtures/configs/${name}.yaml`, "utf8"));

function compileErrors(yaml: string) {
  try {
    compile(load(yaml), TARGET);
  } catch (e) {
    if (e instanceof ConfigValidationError) return e.errors;
    throw e;
  }
  throw new Error("expected a ConfigValidationError");
}

const roles = (result: CompileResult) =>
  Object.entries(result.template.Resources).filter(([, r]) => r.Type === "AWS::IAM::Role");

const RAW_ROLE = (boundary?: string) =>
  [
    "resources:",
    "  orders:",
    "    type: event-bus",
    "cloudformationResources:",
    "  AuditRole:",
    "    Type: AWS::IAM::Role",
    "    Properties:",
    "      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }",
    ...(boundary ? [`      PermissionsBoundary: ${boundary}`] : []),
  ].join("\n");

describe("the permissions boundary", () => {
  it("is on every role of the seed, batch-job and workload fixtures, and the templates stay valid", () => {
    for (const name of ["seed", "batch-job", "function", "multi-container-workload"]) {
      const result = compile(fixture(name), TARGET);
      expect(roles(result).length, name).toBeGreaterThan(0);
      for (const [id, role] of roles(result)) {
        expect(role.Properties!.PermissionsBoundary, `${name} ${id}`).toBe(BOUNDARY);
      }
      expect(validateTemplateAgainstRegistry(result.template), name).toEqual([]);
    }
  });

  it("is left out when none is configured (the local engine)", () => {
    const { permissionsBoundary: _, ...local } = TARGET;
    const result = compile(fixture("batch-job"), local);
    for (const [id, role] of roles(result)) expect(role.Properties!.PermissionsBoundary, id).toBeUndefined();
  });

  it("is set on a raw role that has none, and a raw role naming the same boundary is accepted", () => {
    const set = compile(load(RAW_ROLE()), TARGET);
    expect(set.template.Resources.AuditRole!.Properties!.PermissionsBoundary).toBe(BOUNDARY);
    const same = compile(load(RAW_ROLE(BOUNDARY)), TARGET);
    expect(same.template.Resources.AuditRole!.Properties!.PermissionsBoundary).toBe(BOUNDARY);
  });

  it("refuses a raw role that names another boundary, at that property with its line", () => {
    const yaml = RAW_ROLE("arn:aws:iam::aws:policy/AdministratorAccess");
    const errors = locateProblems(yaml, compileErrors(yaml));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe("cloudformationResources.AuditRole.Properties.PermissionsBoundary");
    expect(errors[0]!.line).toBe(9);
    expect(errors[0]!.message).toContain("AdministratorAccess");
    expect(errors[0]!.message).toContain(BOUNDARY);
  });

  it("refuses an override that gives a compiled role another boundary", () => {
    const errors = compileErrors(
      [
        "resources:",
        "  api:",
        "    type: function",
        "    properties:",
        "      packaging: { type: stacktape-lambda-buildpack, properties: { entryfilePath: src/api.ts } }",
        "    overrides:",
        "      ApiRole: { PermissionsBoundary: 'arn:aws:iam::123456789012:policy/wide-open' }",
      ].join("\n"),
    );
    expect(errors.map((e) => e.path)).toEqual(["resources.api.overrides.ApiRole.PermissionsBoundary"]);
  });
});
