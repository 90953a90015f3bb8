import { describe, expect, it } from "vitest";
import { looksLikeDirective, parseDirective } from "../../../api/config/directives/syntax.js";

describe("directive syntax", () => {
  it("parses calls with string, number, boolean and nested arguments and a property path", () => {
    expect(parseDirective("$Var().a.b")).toEqual({
      ok: true,
      call: { kind: "directive", name: "Var", args: [], path: ["a", "b"] },
    });
    expect(parseDirective(`$Format("{}-{}", 'x', $Stage(), 3, true)`)).toEqual({
      ok: true,
      call: {
        kind: "directive",
        name: "Format",
        args: ["{}-{}", "x", { kind: "directive", name: "Stage", args: [], path: [] }, 3, true],
        path: [],
      },
    });
  });

  it("treats only whole values starting like a call as directives", () => {
    expect(looksLikeDirective("$Stage()")).toBe(true);
    expect(looksLikeDirective("costs $5")).toBe(false);
    expect(looksLikeDirective("$.detail")).toBe(false);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub / Step Functions substitution syntax, not a JS template.
    expect(looksLikeDirective("${literal}")).toBe(false);
  });

  it("explains syntax errors", () => {
    expect(parseDirective("$Var(")).toEqual({
      ok: false,
      message: 'Invalid directive "$Var(": arguments are quoted strings, numbers, booleans or directives.',
    });
    expect(parseDirective("$Secret('a)")).toEqual({
      ok: false,
      message: `Invalid directive "$Secret('a)": unterminated string argument.`,
    });
    expect(parseDirective("$Stage() x")).toEqual({
      ok: false,
      message: 'Invalid directive "$Stage() x": unexpected "x".',
    });
    expect(parseDirective("$Var().")).toEqual({
      ok: false,
      message: `Invalid directive "$Var().": expected a property name after '.'.`,
    });
  });

  it("allows two levels of nesting and no more", () => {
    expect(parseDirective("$CfFormat('{}', $Format('{}', 'x'))").ok).toBe(true);
    expect(parseDirective("$CfFormat('{}', $Format('{}', $Stage()))")).toEqual({
      ok: false,
      message: `Invalid directive "$CfFormat('{}', $Format('{}', $Stage()))": directives nest at most 2 levels deep.`,
    });
  });
});
