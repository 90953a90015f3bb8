import { describe, expect, it } from "vitest";
import {
  type DeclaredParameter,
  fillParameters,
  MissingArtifactsError,
} from "../../../api/deployments/parameters.js";
import { phaseOf } from "../../../api/deployments/stack-status.js";

const declared: DeclaredParameter[] = [
  { name: "ApiCodeBucket", kind: "code-bucket", resource: "api" },
  { name: "ApiCodeKey", kind: "code-key", resource: "api" },
  { name: "ReportImageUri", kind: "image-uri", resource: "report" },
  { name: "PlatformSubnetIds", kind: "subnet-ids", resource: "platform" },
  { name: "PlatformSecurityGroupIds", kind: "security-group-ids", resource: "platform" },
];

describe("filling template parameters from a deployment's artifacts", () => {
  it("takes code per resource and network settings (comma-joined lists) from platform", () => {
    expect(
      fillParameters(declared, {
        api: { codeBucket: "builds", codeKey: "api/abc.zip" },
        report: { imageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/report:7" },
        platform: { subnetIds: ["subnet-1a", "subnet-2b"], securityGroupIds: ["sg-0f"] },
      }),
    ).toEqual({
      ApiCodeBucket: "builds",
      ApiCodeKey: "api/abc.zip",
      ReportImageUri: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/report:7",
      PlatformSubnetIds: "subnet-1a,subnet-2b",
      PlatformSecurityGroupIds: "sg-0f",
    });
  });

  it("names every missing artifact, unless a fallback supplies it", () => {
    const err = (() => {
      try {
        fillParameters(declared, { api: { codeBucket: "builds" } });
      } catch (e) {
        return e;
      }
    })() as MissingArtifactsError;
    expect(err).toBeInstanceOf(MissingArtifactsError);
    expect(err.missing.map((m) => `${m.resource}.${m.field}`)).toEqual([
      "api.codeKey",
      "report.imageUri",
      "platform.subnetIds",
      "platform.securityGroupIds",
    ]);
    expect(err.message).toContain("artifacts.api.codeKey");
    expect(fillParameters(declared, {}, (p) => `local-${p.kind}`).ApiCodeKey).toBe("local-code-key");
  });
});

describe("stack statuses", () => {
  it("classify as CloudFormation documents them", () => {
    expect(phaseOf("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")).toBe("IN_PROGRESS");
    expect(phaseOf("REVIEW_IN_PROGRESS")).toBe("IN_PROGRESS");
    expect(phaseOf("CREATE_COMPLETE")).toBe("SUCCEEDED");
    expect(phaseOf("UPDATE_ROLLBACK_COMPLETE")).toBe("FAILED");
    expect(phaseOf("ROLLBACK_COMPLETE")).toBe("FAILED");
    expect(phaseOf("DELETE_COMPLETE")).toBe("FAILED");
    expect(phaseOf("DELETE_COMPLETE", "delete")).toBe("SUCCEEDED");
    expect(phaseOf("DELETE_FAILED", "delete")).toBe("FAILED");
    // A continued rollback exists to reach UPDATE_ROLLBACK_COMPLETE; failing again leaves it stuck.
    expect(phaseOf("UPDATE_ROLLBACK_IN_PROGRESS", "continue-rollback")).toBe("IN_PROGRESS");
    expect(phaseOf("UPDATE_ROLLBACK_COMPLETE", "continue-rollback")).toBe("SUCCEEDED");
    expect(phaseOf("UPDATE_ROLLBACK_FAILED", "continue-rollback")).toBe("FAILED");
  });
});
