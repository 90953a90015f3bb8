import { describe, expect, it } from "vitest";
import { JsonText } from "../../../api/eventbridge/json-path.js";
import { PatternSyntaxError } from "../../../api/eventbridge/pattern/tokens.js";

/** Paths read on JSON text: values come back as the text they were written in, compacted. */
const at = (text: string, path: string) => new JsonText(text).at(path)?.json();

describe("JsonText", () => {
  it("answers each path's value as written, numbers digit for digit", () => {
    const text = '{ "detail": { "id": 12345678901234567891, "n": [1.50, -0e0, {"x": 2E+400}] } }';
    expect(at(text, "$.detail.id")).toBe("12345678901234567891");
    expect(at(text, "$.detail.n[0]")).toBe("1.50");
    expect(at(text, "$.detail.n[1]")).toBe("-0e0");
    expect(at(text, "$.detail.n[2].x")).toBe("2E+400");
    expect(at(text, "$['detail'][\"n\"][2]")).toBe('{"x":2E+400}');
    expect(at(text, "$")).toBe('{"detail":{"id":12345678901234567891,"n":[1.50,-0e0,{"x":2E+400}]}}');
  });

  it("finds nothing where a path leads nowhere, as JSON.parse's reading would", () => {
    const text = '{"a": {"b": [1, 2]}, "s": "text"}';
    expect(at(text, "$.a.c")).toBeUndefined();
    expect(at(text, "$.a.b[2]")).toBeUndefined();
    expect(at(text, "$.a.b.0")).toBeUndefined();
    expect(at(text, "$.a[0]")).toBeUndefined();
    expect(at(text, "$.s.length")).toBeUndefined();
    expect(at(text, "$.a.constructor")).toBeUndefined();
    expect(at(text, "a.b")).toBeUndefined();
  });

  it("counts a repeated member once, the last one, in the first one's place", () => {
    const text = '{"a": {"id": 1}, "b": 2, "a": {"id": 12345678901234567891}}';
    expect(at(text, "$.a.id")).toBe("12345678901234567891");
  });

  it("steps over brackets, quotes and backslashes inside strings of nested values", () => {
    // A split value's nested values are skipped by their brackets: strings must not count.
    const text = String.raw`{"outer": {"inner": {"s": "}]\"{[", "t": "\\", "u": "\\\"}]"}, "k": 1}, "after": [{"a": "]"}, 2]}`;
    expect(JSON.parse(text).outer.inner.u).toBe('\\"}]');
    expect(at(text, "$.outer.k")).toBe("1");
    expect(at(text, "$.outer.inner")).toBe(String.raw`{"s":"}]\"{[","t":"\\","u":"\\\"}]"}`);
    expect(at(text, "$.outer.inner.u")).toBe(String.raw`"\\\"}]"`);
    expect(at(text, "$.after[1]")).toBe("2");
  });

  it("refuses text nested deeper than EventBridge's parser reads, as the lexer does", () => {
    const deep = `{"a":${"[".repeat(1000)}${"]".repeat(1000)}}`;
    expect(() => at(deep, "$.a")).toThrow(PatternSyntaxError);
  });
});
