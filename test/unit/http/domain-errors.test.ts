import { describe, expect, it } from "vitest";
import { DomainError } from "../../../api/errors.js";
import { problemOf } from "../../../api/http/domain-errors.js";

/** The one mapping from domain errors to RFC 9457 problems (app.onError's), as clients receive them. */
describe("a domain error as a problem", () => {
  it("has its code's status, stable type and title, and the detail as said", () => {
    const problem = problemOf(new DomainError("stack-name-taken", "Stack sy-a-b belongs to another stage."));
    expect(problem.status).toBe(409);
    expect(problem.toBody("/v1/x")).toEqual({
      type: "https://switchyard.dev/problems/stack-name-taken",
      title: "Stack name taken",
      status: 409,
      detail: "Stack sy-a-b belongs to another stage.",
      instance: "/v1/x",
    });
  });

  it("carries every located problem and the members a client acts on", () => {
    const errors = [{ path: "resources.bus", line: 3, column: 5, message: "bad" }];
    expect(problemOf(new DomainError("config-invalid", "d", { errors })).toBody()).toEqual({
      type: "https://switchyard.dev/problems/config-invalid",
      title: "Invalid config",
      status: 422,
      detail: "d",
      errors,
    });
    expect(problemOf(new DomainError("conflict", "busy", { reason: "stack-busy" })).toBody()).toMatchObject({
      status: 409,
      title: "Conflict",
      reason: "stack-busy",
    });
  });

  it("maps each kind of failure to its status", () => {
    const status = (code: DomainError["code"]) => problemOf(new DomainError(code, "d")).status;
    expect(status("bad-request")).toBe(400);
    expect(status("invalid-event-pattern")).toBe(400);
    expect(status("forbidden")).toBe(403);
    expect(status("not-found")).toBe(404);
    expect(status("limit-exceeded")).toBe(409);
    expect(status("artifacts-missing")).toBe(422);
    expect(status("not-implemented")).toBe(501);
  });

  it("says how to authenticate on a 401", () => {
    const problem = problemOf(new DomainError("unauthenticated", "Send an API key."));
    expect(problem.status).toBe(401);
    expect(problem.headers).toEqual({ "www-authenticate": "Bearer" });
  });
});
