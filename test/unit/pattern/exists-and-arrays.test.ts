import { describe, it } from "vitest";
import { expectInvalid, expectMatch, type MatchRow } from "./support.js";

describe("exists", () => {
  const yes = '{"a":[{"exists":true}]}';
  const no = '{"a":[{"exists":false}]}';
  const rows: MatchRow[] = [
    ["true: number", yes, '{"a":1}', true],
    ["true: empty string", yes, '{"a":""}', true],
    ["true: null", yes, '{"a":null}', true],
    ["true: array with an element", yes, '{"a":[1]}', true],
    ["true: empty array", yes, '{"a":[]}', false],
    ["true: empty object is not a leaf", yes, '{"a":{}}', false],
    ["true: object is not a leaf", yes, '{"a":{"b":1}}', false],
    ["true: missing", yes, "{}", false],
    ["false: number", no, '{"a":1}', false],
    ["false: null", no, '{"a":null}', false],
    ["false: empty array", no, '{"a":[]}', true],
    ["false: object", no, '{"a":{"b":1}}', true],
    ["false: missing", no, "{}", true],
    ["false: missing parent", '{"d":{"x":{"y":[{"exists":false}]}}}', "{}", true],
    ["false: scalar parent", '{"d":{"x":{"y":[{"exists":false}]}}}', '{"d":{"x":5}}', true],
    ["false: null parent", '{"d":{"x":{"y":[{"exists":false}]}}}', '{"d":{"x":null}}', true],
    ["value or missing: value", '{"f":["x",{"exists":false}]}', '{"f":"x"}', true],
    ["value or missing: missing", '{"f":["x",{"exists":false}]}', "{}", true],
    ["value or missing: other value", '{"f":["x",{"exists":false}]}', '{"f":"y"}', false],
    ["null or missing", '{"f":[null,{"exists":false}]}', '{"f":null}', true],
    [
      "exists plus other operators in one list",
      '{"f":[{"exists":true},{"prefix":"IGNORED"}]}',
      '{"f":"v"}',
      true,
    ],
  ];
  it.each(rows)("%s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));

  it("rejects a non-boolean", () =>
    expectInvalid('{"a":[{"exists":"yes"}]}', "exists match pattern must be either true or false."));
  it("rejects EXISTS", () => expectInvalid('{"a":[{"EXISTS":true}]}', "Unrecognized match type EXISTS"));
  it("rejects a second key", () =>
    expectInvalid('{"a":[{"exists":true,"x":1}]}', "Only one key allowed in match expression"));
});

describe("event arrays", () => {
  const rows: MatchRow[] = [
    ["any element matches", '{"r":["b"]}', '{"r":["a","b"]}', true],
    ["no element matches", '{"r":["c"]}', '{"r":["a","b"]}', false],
    ["nested arrays flatten", '{"r":["x"]}', '{"r":[["y"],["x"]]}', true],
    ["empty array has no null", '{"r":[null]}', '{"r":[]}', false],
    [
      "field inside an array of objects",
      '{"d":{"id":[{"exists":true}]}}',
      '{"d":[{"k":1},{"id":"x"}]}',
      true,
    ],
    // Array consistency: conditions under one array of objects need a single element.
    [
      "same element",
      '{"e":{"first":["Anna"],"last":["Jones"]}}',
      '{"e":[{"first":"Anna","last":"Smith"},{"first":"Anna","last":"Jones"}]}',
      true,
    ],
    [
      "fields split over two elements",
      '{"e":{"first":["Anna"],"last":["Jones"]}}',
      '{"e":[{"first":"Anna","last":"Smith"},{"first":"Peter","last":"Jones"}]}',
      false,
    ],
    [
      "split inside a nested array",
      '{"o":{"items":{"sku":["a"],"qty":[2]}}}',
      '{"o":[{"items":[{"sku":"a","qty":1},{"sku":"b","qty":2}]}]}',
      false,
    ],
    [
      "nested array, same inner element",
      '{"o":{"items":{"sku":["a"],"qty":[2]}}}',
      '{"o":[{"items":[{"sku":"b","qty":1},{"sku":"a","qty":2}]}]}',
      true,
    ],
    // Checked against event-ruler built from source: a plain element is no element of its own.
    ["plain element beside an object element", '{"a":[2],"a.b":[1]}', '{"a":[{"b":1},2]}', true],
    ["array element beside an object element", '{"a":[2],"a.b":[1]}', '{"a":[{"b":1},[2]]}', false],
    [
      "scalar outside the array combines with any element",
      '{"s":["x"],"e":{"n":["b"]}}',
      '{"s":"x","e":[{"n":"a"},{"n":"b"}]}',
      true,
    ],
    [
      "different arrays combine freely",
      '{"a":{"x":["1"]},"b":{"y":["2"]}}',
      '{"a":[{"x":"0"},{"x":"1"}],"b":[{"y":"2"},{"y":"3"}]}',
      true,
    ],
    [
      "exists false alone: another element has it",
      '{"d":{"a":[{"exists":false}]}}',
      '{"d":[{"a":1},{"b":2}]}',
      false,
    ],
    ["exists false alone: no element has it", '{"d":{"a":[{"exists":false}]}}', '{"d":[{"b":2}]}', true],
    [
      "exists false next to a condition on the same element",
      '{"d":{"a":[{"exists":true}],"b":[{"exists":false}]}}',
      '{"d":[{"a":1},{"b":2}]}',
      true,
    ],
    [
      "exists false next to a condition, element has both",
      '{"d":{"a":[{"exists":true}],"b":[{"exists":false}]}}',
      '{"d":[{"a":1,"b":2}]}',
      false,
    ],
  ];
  it.each(rows)("%s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));
});
