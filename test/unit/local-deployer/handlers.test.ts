import { describe, expect, it } from "vitest";
import { LOCAL_RESOURCE_TYPES } from "../../../api/local/deployer/handlers/index.js";
import { CLOUDFORMATION_TYPES } from "../../../api/resources/index.js";

describe("the local engine's handlers", () => {
  it("cover every CloudFormation type the resource types compile to", () => {
    expect(CLOUDFORMATION_TYPES.filter((type) => !LOCAL_RESOURCE_TYPES.includes(type))).toEqual([]);
  });
});
