/** Building the document needs no server, store or network: any call into a dependency fails loudly. */
import { describe, expect, it } from "vitest";
import {
  buildOpenApiDocument,
  InertDependencyError,
  inertDeps,
} from "../../../api/entry/openapi-document.js";

describe("inertDeps", () => {
  it("lets the app read its dependencies but refuses every call, naming it", () => {
    const deps = inertDeps() as any;
    const projects = deps.store.projects;
    expect(() => projects.get("orders")).toThrow(InertDependencyError);
    expect(() => projects.get("orders")).toThrow(/deps\.store\.projects\.get was called/);
    expect(() => deps.table.doc.send({})).toThrow(/deps\.table\.doc\.send/);
    expect(() => deps.now()).toThrow(/deps\.now/);
    expect(() => new deps.deployer()).toThrow(InertDependencyError);
  });

  it("is not a thenable, so awaiting a dependency does not call it", async () => {
    const deps = inertDeps() as any;
    expect(deps.store.then).toBeUndefined();
    await expect(Promise.resolve(deps.store)).resolves.toBe(deps.store);
  });

  it("keeps a working, silent logger", () => {
    const deps = inertDeps();
    expect(() => deps.log.child({ a: 1 }).info("built")).not.toThrow();
  });
});

describe("buildOpenApiDocument", () => {
  it("builds the app with inert deps and returns the OpenAPI 3.1 document it serves", async () => {
    const doc = await buildOpenApiDocument();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/healthz"]?.get).toMatchObject({ operationId: "health.get" });
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/v1/"))).toBe(true);
  });
});
