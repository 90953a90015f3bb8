import { describe, it } from "vitest";
import { expectMatch, type MatchRow } from "./support.js";

describe("exact values", () => {
  const rows: MatchRow[] = [
    ["string equal", '{"f":["a","b"]}', '{"f":"b"}', true],
    ["string case differs", '{"f":["a"]}', '{"f":"A"}', false],
    ["string vs number", '{"f":["5"]}', '{"f":5}', false],
    ["string vs null", '{"f":["a"]}', '{"f":null}', false],
    ["missing field", '{"f":["a"]}', '{"g":"a"}', false],
    ["json escape decoded", '{"f":["A"]}', '{"f":"\\u0041"}', true],
    ["unicode kept byte-exact", '{"f":["caf\u00e9 🚀"]}', '{"f":"caf\u00e9 🚀"}', true],
    ["empty string", '{"f":[""]}', '{"f":""}', true],
    ["empty string vs null", '{"f":[""]}', '{"f":null}', false],
    ["empty string vs missing", '{"f":[""]}', "{}", false],
    ["number equal", '{"f":[300]}', '{"f":300}', true],
    ["number 300 vs 300.0", '{"f":[300]}', '{"f":300.0}', true],
    ["number 300 vs 3.0e2", '{"f":[300]}', '{"f":3.0e2}', true],
    ["number vs string", '{"f":[300]}', '{"f":"300"}', false],
    ["number in event array", '{"f":[300]}', '{"f":[1,300]}', true],
    ["big integer literal equal", '{"f":[9007199254740993]}', '{"f":9007199254740993}', true],
    ["big integer not rounded", '{"f":[9007199254740993]}', '{"f":9007199254740992}', false],
    ["negative zero equals zero", '{"f":[0]}', '{"f":-0.0}', true],
    ["true", '{"f":[true]}', '{"f":true}', true],
    ["true vs string", '{"f":[true]}', '{"f":"true"}', false],
    ["true vs 1", '{"f":[true]}', '{"f":1}', false],
    ["false", '{"f":[false]}', '{"f":false}', true],
    ["null", '{"f":[null]}', '{"f":null}', true],
    ["null in array", '{"f":[null]}', '{"f":[null,1]}', true],
    ["null vs missing", '{"f":[null]}', "{}", false],
    ["null vs string null", '{"f":[null]}', '{"f":"null"}', false],
    ["null vs empty string", '{"f":[null]}', '{"f":""}', false],
    ["never matches an object", '{"d":["x"]}', '{"d":{"x":1}}', false],
    ["exactly operator", '{"f":[{"exactly":"a"}]}', '{"f":"a"}', true],
    ["IPv4 literal compares as an address", '{"ip":["10.0.0.1"]}', '{"ip":"10.0.0.1"}', true],
    ["IPv6 literal in another spelling", '{"ip":["2001:db8::1"]}', '{"ip":"2001:DB8:0:0:0:0:0:1"}', true],
    ["IPv6 literal differs", '{"ip":["2001:db8::1"]}', '{"ip":"2001:db8::2"}', false],
    ["nested path", '{"a":{"b":{"c":["x"]}}}', '{"a":{"b":{"c":"x"}}}', true],
    ["fields are ANDed", '{"a":["1"],"b":["2"]}', '{"a":"1","b":"3"}', false],
    ["field names are case-sensitive", '{"MY_KEY":["v"]}', '{"my_key":"v"}', false],
    ["unnamed event fields ignored", '{"a":["1"]}', '{"a":"1","z":{"deep":[1,2]}}', true],
    [
      "detail holding JSON text is not parsed",
      '{"detail":{"k":["v"]}}',
      '{"detail":"{\\"k\\":\\"v\\"}"}',
      false,
    ],
  ];
  it.each(rows)("%s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));
});

describe("dotted keys", () => {
  const rows: MatchRow[] = [
    ["nested pattern, dotted event key", '{"d":{"s":{"t":["r"]}}}', '{"d":{"s.t":"r"}}', true],
    ["dotted pattern key, nested event", '{"d":{"s.t":["r"]}}', '{"d":{"s":{"t":"r"}}}', true],
    // event-ruler (checked built from source) adds no "." after an empty name at the pattern's top
    // level, but joins an event's names with "." whatever they are.
    ["empty top-level pattern name", '{"":{"a":["r"]}}', '{"a":"r"}', true],
    ["empty top-level event name", '{"":{"a":["r"]}}', '{"":{"a":"r"}}', false],
    ["empty event name reached by a dotted pattern name", '{".a":["r"]}', '{"":{"a":"r"}}', true],
    ["dotted event key one level too deep", '{"d":{"s":{"t":["r"]}}}', '{"d":{"s.t":{"t":"r"}}}', false],
    ["dotted pattern key one level too deep", '{"d":{"s.t":{"t":["r"]}}}', '{"d":{"s":{"t":"r"}}}', false],
  ];
  it.each(rows)("%s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));
});
