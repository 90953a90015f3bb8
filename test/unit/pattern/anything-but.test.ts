import { describe, it } from "vitest";
import { expectInvalid, expectMatch, type InvalidRow, type MatchRow } from "./support.js";

describe("anything-but", () => {
  const rows: MatchRow[] = [
    ["other string", '{"f":[{"anything-but":"x"}]}', '{"f":"y"}', true],
    ["the excluded string", '{"f":[{"anything-but":"x"}]}', '{"f":"x"}', false],
    ["a number is not the string", '{"f":[{"anything-but":"5"}]}', '{"f":5}', true],
    ["null is a present value", '{"f":[{"anything-but":"x"}]}', '{"f":null}', true],
    ["missing field never matches", '{"f":[{"anything-but":"x"}]}', "{}", false],
    ["array with another element", '{"f":[{"anything-but":"x"}]}', '{"f":["x","y"]}', true],
    ["array of only the excluded", '{"f":[{"anything-but":"x"}]}', '{"f":["x"]}', false],
    ["empty array has no value", '{"f":[{"anything-but":"x"}]}', '{"f":[]}', false],
    ["number", '{"f":[{"anything-but":123}]}', '{"f":789}', true],
    ["excluded number", '{"f":[{"anything-but":123}]}', '{"f":123}', false],
    ["excluded number, other spelling", '{"f":[{"anything-but":100}]}', '{"f":1.0e2}', false],
    ["zero excluded, other number", '{"f":[{"anything-but":0}]}', '{"f":789}', true],
    ["string list", '{"f":[{"anything-but":["a","b"]}]}', '{"f":"c"}', true],
    ["string list excluded", '{"f":[{"anything-but":["a","b"]}]}', '{"f":"b"}', false],
    ["number list compares numerically", '{"f":[{"anything-but":[100,200]}]}', '{"f":100.0}', false],
    ["numeric string passes a number list", '{"f":[{"anything-but":[100,200]}]}', '{"f":"100"}', true],
    ["prefix", '{"f":[{"anything-but":{"prefix":"init"}}]}', '{"f":"post-init"}', true],
    ["prefix excluded", '{"f":[{"anything-but":{"prefix":"init"}}]}', '{"f":"initial"}', false],
    ["prefix vs number", '{"f":[{"anything-but":{"prefix":"1"}}]}', '{"f":12}', true],
    ["prefix vs null", '{"f":[{"anything-but":{"prefix":"init"}}]}', '{"f":null}', true],
    ["prefix missing", '{"f":[{"anything-but":{"prefix":"init"}}]}', "{}", false],
    ["prefix list", '{"f":[{"anything-but":{"prefix":["a","b"]}}]}', '{"f":"bz"}', false],
    ["suffix", '{"f":[{"anything-but":{"suffix":".txt"}}]}', '{"f":"f.txt.bak"}', true],
    ["suffix excluded", '{"f":[{"anything-but":{"suffix":".txt"}}]}', '{"f":"f.txt"}', false],
    ["suffix list", '{"f":[{"anything-but":{"suffix":[".txt",".jpg"]}}]}', '{"f":"f.jpg"}', false],
    ["ignore-case", '{"f":[{"anything-but":{"equals-ignore-case":"stopped"}}]}', '{"f":"running"}', true],
    [
      "ignore-case excluded",
      '{"f":[{"anything-but":{"equals-ignore-case":"stopped"}}]}',
      '{"f":"STOPPED"}',
      false,
    ],
    [
      "ignore-case list",
      '{"f":[{"anything-but":{"equals-ignore-case":["a","stopped"]}}]}',
      '{"f":"Stopped"}',
      false,
    ],
    ["ignore-case vs null", '{"f":[{"anything-but":{"equals-ignore-case":"x"}}]}', '{"f":null}', true],
    ["wildcard", '{"f":[{"anything-but":{"wildcard":"*/lib/*"}}]}', '{"f":"/usr/bin/x"}', true],
    ["wildcard excluded", '{"f":[{"anything-but":{"wildcard":"*/lib/*"}}]}', '{"f":"/usr/lib/x"}', false],
    ["wildcard vs number", '{"f":[{"anything-but":{"wildcard":"*"}}]}', '{"f":123}', true],
    ["wildcard missing", '{"f":[{"anything-but":{"wildcard":"*"}}]}', "{}", false],
    ["wildcard list", '{"f":[{"anything-but":{"wildcard":["*/a/*","*/b/*"]}}]}', '{"f":"x/b/y"}', false],
    [
      "empty wildcard excludes only the empty string",
      '{"f":[{"anything-but":{"wildcard":""}}]}',
      '{"f":"x"}',
      true,
    ],
  ];
  it.each(rows)("%s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));

  const single = "Value of anything-but must be an array or single string/number value.";
  const invalid: InvalidRow[] = [
    ["null", '{"f":[{"anything-but":null}]}', single],
    ["boolean", '{"f":[{"anything-but":true}]}', single],
    ["prefix ignore-case inside", '{"f":[{"anything-but":{"prefix":{"equals-ignore-case":"a"}}}]}', single],
    [
      "null in list",
      '{"f":[{"anything-but":["a",null]}]}',
      "Inside anything but list, start|null|boolean is not supported.",
    ],
    [
      "mixed list",
      '{"f":[{"anything-but":["a",1]}]}',
      "Inside anything but list, either all values are number or string, mixed type is not supported",
    ],
    [
      "empty list",
      '{"f":[{"anything-but":[]}]}',
      "Inside anything but list, either all values are number or string, mixed type is not supported",
    ],
    ["empty prefix", '{"f":[{"anything-but":{"prefix":""}}]}', "Null prefix/suffix not allowed"],
    [
      "empty suffix in list",
      '{"f":[{"anything-but":{"suffix":["a",""]}}]}',
      "Null prefix/suffix not allowed",
    ],
    [
      "number prefix",
      '{"f":[{"anything-but":{"prefix":1}}]}',
      "prefix/suffix match pattern must be a string",
    ],
    [
      "number in suffix list",
      '{"f":[{"anything-but":{"suffix":[1,"a"]}}]}',
      "prefix/suffix match pattern must be a string",
    ],
    [
      "null in suffix list",
      '{"f":[{"anything-but":{"suffix":[null,"a"]}}]}',
      "prefix/suffix match pattern must be a string",
    ],
    [
      "number ignore-case",
      '{"f":[{"anything-but":{"equals-ignore-case":1}}]}',
      "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
    ],
    [
      "numbers in ignore-case list",
      '{"f":[{"anything-but":{"equals-ignore-case":[1,2]}}]}',
      "Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.",
    ],
    ["number wildcard", '{"f":[{"anything-but":{"wildcard":1}}]}', "wildcard match pattern must be a string"],
    [
      "bad wildcard",
      '{"f":[{"anything-but":{"wildcard":"a**"}}]}',
      "Consecutive wildcard characters at pos 2",
    ],
    [
      "unknown form",
      '{"f":[{"anything-but":{"numeric":[">",1]}}]}',
      "Unsupported anything-but pattern: numeric",
    ],
    ["empty object", '{"f":[{"anything-but":{}}]}', "Anything-But expression name not found"],
    ["extra key", '{"f":[{"anything-but":"a","x":1}]}', "Too many elements in numeric expression"],
    [
      "unrepresentable number",
      '{"f":[{"anything-but":9007199254740993}]}',
      "Cannot compare number : 9007199254740993",
    ],
  ];
  it.each(invalid)("rejects %s", (_label, pattern, reason) => expectInvalid(pattern, reason));
});
