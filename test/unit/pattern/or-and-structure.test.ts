import { describe, expect, it } from "vitest";
import {
  matchesEventPattern,
  testEventPattern,
  validateEventPattern,
} from "../../../api/eventbridge/pattern/index.js";
import { expectInvalid, expectMatch, type InvalidRow, type MatchRow } from "./support.js";

describe("$or", () => {
  const p = '{"source":["s"],"$or":[{"a":["1"]},{"b":["2"]}]}';
  const rows: MatchRow[] = [
    ["first alternative", p, '{"source":"s","a":"1"}', true],
    ["second alternative", p, '{"source":"s","b":"2"}', true],
    ["no alternative", p, '{"source":"s","a":"2"}', false],
    ["shared field fails", p, '{"source":"t","a":"1"}', false],
    [
      "nested under a field",
      '{"d":{"$or":[{"c":[{"numeric":[">",0]}]},{"x":["y"]}]}}',
      '{"d":{"c":0,"x":"y"}}',
      true,
    ],
    ["nested $or inside $or", '{"$or":[{"a":["1"]},{"$or":[{"b":["2"]},{"c":["3"]}]}]}', '{"c":"3"}', true],
    [
      "field after $or applies to every alternative",
      '{"$or":[{"a":["1"]},{"b":["2"]}],"z":["z"]}',
      '{"a":"1"}',
      false,
    ],
    ["$or of exists false", '{"$or":[{"a":[{"exists":false}]},{"b":["2"]}]}', '{"b":"3"}', true],
  ];
  it.each(rows)("%s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));

  const invalid: InvalidRow[] = [
    ["one alternative", '{"$or":[{"a":["1"]}]}', "There must have at least 2 Objects in $or relationship."],
    [
      "non-object alternative",
      '{"$or":[{"a":["1"]},"b"]}',
      "Only JSON object is allowed in array of $or relationship.",
    ],
    [
      "reserved word",
      '{"$or":[{"numeric":[">",1]},{"b":["2"]}]}',
      "numeric is Ruler reserved fieldName which cannot be used inside $or.",
    ],
    [
      "reserved word nested",
      '{"$or":[{"a":{"prefix":["x"]}},{"b":["2"]}]}',
      "prefix is Ruler reserved fieldName which cannot be used inside $or.",
    ],
    ["not an array", '{"$or":{"a":["1"]}}', "It must be an Array followed with $or."],
    ["empty alternative", '{"$or":[{},{"b":["2"]}]}', "Empty objects are not allowed"],
  ];
  it.each(invalid)("rejects %s", (_label, pattern, reason) => expectInvalid(pattern, reason));
});

describe("pattern structure", () => {
  const invalid: InvalidRow[] = [
    ["top-level array", '["a"]', "Filter is not an object"],
    ["top-level string", '"a"', "Filter is not an object"],
    ["empty text", "", "Filter is not an object"],
    ["empty object", "{}", "Empty objects are not allowed"],
    ["nested empty object", '{"a":{}}', "Empty objects are not allowed"],
    ["leaf not in an array (number)", '{"int":42}', '"int" must be an object or an array'],
    ["leaf not in an array (string)", '{"s":"v"}', '"s" must be an object or an array'],
    ["empty array", '{"a":[]}', "Empty arrays are not allowed"],
    ["array inside the values", '{"a":[["x"]]}', "Match value must be String, number, true, false, or null"],
    ["empty match object", '{"a":[{}]}', "Match expression name not found"],
    ["unknown operator", '{"a":[{"contains":"x"}]}', "Unrecognized match type contains"],
    // Reported in document order, like a streaming parser: the first problem wins.
    ["first problem wins", '{"a":5,"b":[]}', '"a" must be an object or an array'],
    ["semantic problem before a later syntax error", '{"a":5, oops', '"a" must be an object or an array'],
  ];
  it.each(invalid)("rejects %s", (_label, pattern, reason) => expectInvalid(pattern, reason));

  it("limits the pattern to 4,096 characters, the API's EventPattern length", () => {
    const sized = (length: number) => {
      const head = '{"source":["';
      const tail = '"]}';
      return head + "x".repeat(length - head.length - tail.length) + tail;
    };
    expect(validateEventPattern(sized(4096)).ok).toBe(true);
    const tooLong = sized(4097);
    expect(validateEventPattern(tooLong)).toEqual({
      ok: false,
      message: `1 validation error detected: Value '${tooLong}' at 'eventPattern' failed to satisfy constraint: Member must have length less than or equal to 4096`,
    });
    expect(validateEventPattern(JSON.parse(tooLong)).ok).toBe(false);
  });

  it("keeps the last of a field given twice", () => {
    expectMatch('{"l":[{"prefix":"us-"}],"l":[{"anything-but":"us-east"}]}', '{"l":"eu-central-1"}', true);
    expectMatch('{"l":[{"anything-but":"us-east"}],"l":[{"prefix":"us-"}]}', '{"l":"eu-central-1"}', false);
  });

  it("treats a dotted key and a nested one as the same field, the last winning", () => {
    expectMatch('{"a":{"b":["1"]},"a.b":["2"]}', '{"a":{"b":"2"}}', true);
  });

  it("reads JSON syntax errors with Jackson's wording and position", () => {
    expect(validateEventPattern('{"a": tru}')).toEqual({
      ok: false,
      message:
        "Event pattern is not valid. Reason: Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
      line: 1,
      column: 10,
    });
    expect(validateEventPattern('{\n"a": ["x"]\n"b": ["y"]}')).toMatchObject({
      ok: false,
      message:
        "Event pattern is not valid. Reason: Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries",
      line: 3,
    });
    expect(validateEventPattern('{"a": ["x"]')).toMatchObject({
      message:
        "Event pattern is not valid. Reason: Unexpected end-of-input: expected close marker for OBJECT",
    });
  });

  it("accepts an already-parsed pattern the same as its text", () => {
    const fromValue = validateEventPattern({ source: ["s"], detail: { n: [{ numeric: [">", 1] }] } });
    expect(fromValue.ok).toBe(true);
    if (fromValue.ok)
      expect(matchesEventPattern(fromValue.pattern, { source: "s", detail: { n: 2 } })).toBe(true);
  });
});

describe("testEventPattern", () => {
  it("answers the match", () => {
    expect(testEventPattern('{"source":["s"]}', '{"source":"s"}')).toEqual({ result: true });
    expect(testEventPattern({ source: ["s"] }, { source: "t" })).toEqual({ result: false });
  });
  it("reports an invalid pattern with EventBridge's message", () => {
    expect(testEventPattern('{"source":"s"}', '{"source":"s"}')).toEqual({
      error: 'Event pattern is not valid. Reason: "source" must be an object or an array',
      invalid: "pattern",
    });
  });
  it.each([
    ["a plain string", "plain string"],
    ["an array", '["a"]'],
    ["broken JSON", '{"source":'],
    ["a number value", 5],
    ["an array value", ["a"]],
  ])("rejects %s as an event", (_label, event) => {
    expect(testEventPattern('{"source":["s"]}', event)).toEqual({
      error: "Parameter Event is not valid.",
      invalid: "event",
    });
  });
  it("refuses events nested deeper than Jackson allows instead of overflowing the stack", () => {
    const deep = `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    expect(testEventPattern('{"a":[1]}', deep)).toEqual({
      error: "Parameter Event is not valid.",
      invalid: "event",
    });
    expect(testEventPattern('{"a":[1]}', JSON.parse(deep))).toEqual({
      error: "Parameter Event is not valid.",
      invalid: "event",
    });
    const fine = `{"a":${"[".repeat(900)}1${"]".repeat(900)}}`;
    expect(testEventPattern('{"a":[1]}', fine)).toEqual({ result: true });
  });
  it("reads big numbers in event text without rounding", () => {
    expect(testEventPattern('{"id":[12345678901234567890]}', '{"id":12345678901234567890}')).toEqual({
      result: true,
    });
    expect(testEventPattern('{"id":[12345678901234567890]}', '{"id":12345678901234567891}')).toEqual({
      result: false,
    });
  });
});
