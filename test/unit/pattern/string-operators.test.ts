import { describe, it } from "vitest";
import { expectInvalid, expectMatch, type InvalidRow, type MatchRow } from "./support.js";

describe("prefix and suffix", () => {
  const rows: MatchRow[] = [
    ["prefix", '{"f":[{"prefix":"us-"}]}', '{"f":"us-east-1"}', true],
    ["prefix mismatch", '{"f":[{"prefix":"us-"}]}', '{"f":"eu-west-1"}', false],
    ["prefix is case-sensitive", '{"f":[{"prefix":"us-"}]}', '{"f":"US-east"}', false],
    ["prefix never matches numbers", '{"f":[{"prefix":"12"}]}', '{"f":123}', false],
    ["empty prefix matches any string", '{"f":[{"prefix":""}]}', '{"f":""}', true],
    ["empty prefix does not match numbers", '{"f":[{"prefix":""}]}', '{"f":1}', false],
    ["prefix on missing field", '{"f":[{"prefix":"a"}]}', "{}", false],
    ["prefix ignore-case", '{"f":[{"prefix":{"equals-ignore-case":"EventB"}}]}', '{"f":"eventbridge"}', true],
    [
      "prefix ignore-case upper",
      '{"f":[{"prefix":{"equals-ignore-case":"EventB"}}]}',
      '{"f":"EVENTBRIDGE"}',
      true,
    ],
    [
      "prefix ignore-case elsewhere",
      '{"f":[{"prefix":{"equals-ignore-case":"EventB"}}]}',
      '{"f":"xeventb"}',
      false,
    ],
    ["suffix", '{"f":[{"suffix":".png"}]}', '{"f":"a.png"}', true],
    ["suffix is case-sensitive", '{"f":[{"suffix":".png"}]}', '{"f":"a.PNG"}', false],
    ["empty suffix matches any string", '{"f":[{"suffix":""}]}', '{"f":"x"}', true],
    ["suffix ignore-case", '{"f":[{"suffix":{"equals-ignore-case":".png"}}]}', '{"f":"x.PNG"}', true],
    [
      "suffix ignore-case mismatch",
      '{"f":[{"suffix":{"equals-ignore-case":".png"}}]}',
      '{"f":"x.PNGX"}',
      false,
    ],
  ];
  it.each(rows)("%s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));

  const invalid: InvalidRow[] = [
    ["prefix number", '{"f":[{"prefix":123}]}', "prefix match pattern must be a string"],
    ["prefix list", '{"f":[{"prefix":["a"]}]}', "prefix match pattern must be a string"],
    ["suffix number", '{"f":[{"suffix":1}]}', "suffix match pattern must be a string"],
    ["two operators", '{"f":[{"prefix":"a","suffix":"b"}]}', "Only one key allowed in match expression"],
    ["unknown prefix form", '{"f":[{"prefix":{"wildcard":"a"}}]}', "Unsupported prefix pattern: wildcard"],
    [
      "prefix ignore-case number",
      '{"f":[{"prefix":{"equals-ignore-case":1}}]}',
      "equals-ignore-case match pattern must be a string",
    ],
    ["unknown suffix form", '{"f":[{"suffix":{"x":"a"}}]}', "Unsupported suffix pattern: x"],
  ];
  it.each(invalid)("rejects %s", (_label, pattern, reason) => expectInvalid(pattern, reason));
});

describe("equals-ignore-case", () => {
  const rows: MatchRow[] = [
    ["upper case", '{"f":[{"equals-ignore-case":"alice"}]}', '{"f":"ALICE"}', true],
    ["mixed case", '{"f":[{"equals-ignore-case":"alice"}]}', '{"f":"aLiCe"}', true],
    ["different word", '{"f":[{"equals-ignore-case":"alice"}]}', '{"f":"alicia"}', false],
    ["empty matches empty", '{"f":[{"equals-ignore-case":""}]}', '{"f":""}', true],
    ["empty vs text", '{"f":[{"equals-ignore-case":""}]}', '{"f":"x"}', false],
    ["number vs string form", '{"f":[{"equals-ignore-case":"5"}]}', '{"f":5}', false],
    ["German sharp s folds to SS", '{"f":[{"equals-ignore-case":"stra\u00dfe"}]}', '{"f":"STRASSE"}', true],
  ];
  it.each(rows)("%s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));

  const invalid: InvalidRow[] = [
    ["list", '{"f":[{"equals-ignore-case":["a"]}]}', "equals-ignore-case match pattern must be a string"],
    ["number", '{"f":[{"equals-ignore-case":1}]}', "equals-ignore-case match pattern must be a string"],
    [
      "object",
      '{"f":[{"equals-ignore-case":{"prefix":"a"}}]}',
      "equals-ignore-case match pattern must be a string",
    ],
  ];
  it.each(invalid)("rejects %s", (_label, pattern, reason) => expectInvalid(pattern, reason));
});

describe("wildcard", () => {
  const rows: MatchRow[] = [
    ["star matches nothing", '{"f":[{"wildcard":"dir/*.png"}]}', '{"f":"dir/.png"}', true],
    ["star crosses slashes", '{"f":[{"wildcard":"dir/*.png"}]}', '{"f":"dir/x/y.png"}', true],
    ["anchored at the start", '{"f":[{"wildcard":"dir/*.png"}]}', '{"f":"xdir/a.png"}', false],
    ["anchored at the end", '{"f":[{"wildcard":"dir/*.png"}]}', '{"f":"dir/a.pngx"}', false],
    ["case-sensitive", '{"f":[{"wildcard":"dir/*.png"}]}', '{"f":"DIR/a.png"}', false],
    ["numbers never match", '{"f":[{"wildcard":"*"}]}', '{"f":1}', false],
    ["lone star matches empty string", '{"f":[{"wildcard":"*"}]}', '{"f":""}', true],
    ["no star is exact", '{"f":[{"wildcard":"abc"}]}', '{"f":"abcd"}', false],
    ["no star equal", '{"f":[{"wildcard":"abc"}]}', '{"f":"abc"}', true],
    ["empty wildcard", '{"f":[{"wildcard":""}]}', '{"f":"x"}', false],
    ["escaped star is literal", '{"f":[{"wildcard":"a\\\\*b"}]}', '{"f":"a*b"}', true],
    ["escaped star is not a wildcard", '{"f":[{"wildcard":"a\\\\*b"}]}', '{"f":"axb"}', false],
    ["escaped backslash", '{"f":[{"wildcard":"a\\\\\\\\*"}]}', '{"f":"a\\\\zz"}', true],
    ["pieces in order", '{"f":[{"wildcard":"*a*b*"}]}', '{"f":"xbxa"}', false],
    ["overlapping pieces", '{"f":[{"wildcard":"ab*ba"}]}', '{"f":"aba"}', false],
    ["repeating segments", '{"f":[{"wildcard":"/u/*/d/d/doc"}]}', '{"f":"/u/x/d/d/d/doc"}', true],
  ];
  it.each(rows)("%s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));

  const tooComplex =
    "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character";
  const invalid: InvalidRow[] = [
    [
      "consecutive stars (pos counts the opening quote)",
      '{"f":[{"wildcard":"ab**"}]}',
      "Consecutive wildcard characters at pos 3",
    ],
    ["pos counts UTF-8 bytes", '{"f":[{"wildcard":"\u00e9**"}]}', "Consecutive wildcard characters at pos 3"],
    ["bad escape", '{"f":[{"wildcard":"a\\\\b"}]}', "Invalid escape character at pos 2"],
    ["trailing backslash", '{"f":[{"wildcard":"ab\\\\"}]}', "Invalid escape character at pos 3"],
    ["number", '{"f":[{"wildcard":1}]}', "wildcard match pattern must be a string"],
    ["list", '{"f":[{"wildcard":["a*"]}]}', "wildcard match pattern must be a string"],
    // Complexity 11 in event-ruler's evaluator; AWS rejects it (content_wildcard_complex_EXC).
    ["too complex", '{"f":[{"wildcard":"*:*:*:*:*:event-bus/*"}]}', tooComplex],
    // Four `*:stack/<name>/*` in one field score 12: AWS rejected this after accepting three.
    [
      "too complex together in one field",
      '{"f":[{"wildcard":"*:stack/A/*"},{"wildcard":"*:stack/B/*"},{"wildcard":"*:stack/C/*"},{"wildcard":"*:stack/D/*"}]}',
      tooComplex,
    ],
  ];
  it.each(invalid)("rejects %s", (_label, pattern, reason) => expectInvalid(pattern, reason));

  const accepted: MatchRow[] = [
    // Scores 7 and 9: accepted by AWS.
    [
      "repeating after a star",
      '{"f":[{"wildcard":"/Users/*/dir/dir/dir/dir/dir/doc.txt"}]}',
      '{"f":"/Users/u/dir/dir/dir/dir/dir/doc.txt"}',
      true,
    ],
    [
      "three stack wildcards in one field",
      '{"f":[{"wildcard":"*:stack/A/*"},{"wildcard":"*:stack/B/*"},{"wildcard":"*:stack/C/*"}]}',
      '{"f":"arn:aws:cloudformation:r:1:stack/B/id"}',
      true,
    ],
    [
      "complex wildcard under anything-but is not counted",
      '{"f":[{"anything-but":{"wildcard":"*:*:*:*:*:event-bus/*"}}]}',
      '{"f":"x"}',
      true,
    ],
  ];
  it.each(accepted)("accepts %s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));
});

describe("cidr", () => {
  const rows: MatchRow[] = [
    ["inside IPv4 block", '{"ip":[{"cidr":"10.0.0.0/24"}]}', '{"ip":"10.0.0.255"}', true],
    ["outside IPv4 block", '{"ip":[{"cidr":"10.0.0.0/24"}]}', '{"ip":"10.0.1.0"}', false],
    ["not an address", '{"ip":[{"cidr":"10.0.0.0/24"}]}', '{"ip":"10.0.0.256"}', false],
    ["address with port", '{"ip":[{"cidr":"10.0.0.0/24"}]}', '{"ip":"10.0.0.1:80"}', false],
    ["number", '{"ip":[{"cidr":"10.0.0.0/24"}]}', '{"ip":123}', false],
    ["IPv6 block, other spelling", '{"ip":[{"cidr":"2001:db8::/32"}]}', '{"ip":"2001:DB8::1"}', true],
    [
      "IPv6 full form",
      '{"ip":[{"cidr":"2001:db8:1234:1a00::/64"}]}',
      '{"ip":"2001:0db8:1234:1a00:0000:0000:0000:0000"}',
      true,
    ],
    ["IPv6 outside", '{"ip":[{"cidr":"2001:db8:1234:1a00::/64"}]}', '{"ip":"2001:0db8:123f:1a01::"}', false],
    ["IPv4 address vs IPv6 block", '{"ip":[{"cidr":"::/0"}]}', '{"ip":"10.0.0.1"}', false],
    ["/0 takes every IPv4 address", '{"ip":[{"cidr":"0.0.0.0/0"}]}', '{"ip":"255.255.255.255"}', true],
  ];
  it.each(rows)("%s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));

  const invalid: InvalidRow[] = [
    ["no slash", '{"ip":[{"cidr":"bad-filter"}]}', "Malformed CIDR, one '/' required"],
    ["two slashes", '{"ip":[{"cidr":"10.0.0.0/8/8"}]}', "Malformed CIDR, one '/' required"],
    ["mask not a number", '{"ip":[{"cidr":"10.0.0.0/x"}]}', "Malformed CIDR, mask bits must be an integer"],
    ["negative mask", '{"ip":[{"cidr":"10.0.0.0/-1"}]}', "Malformed CIDR, mask bits must not be negative"],
    ["bad address", '{"ip":[{"cidr":"xx.11.xx/8"}]}', "Nonstandard IP address: xx.11.xx"],
    ["address out of range", '{"ip":[{"cidr":"10.0.0.300/8"}]}', "Invalid IP address: 10.0.0.300"],
    ["IPv4 /32 (event-ruler)", '{"ip":[{"cidr":"10.0.0.1/32"}]}', "IPv4 mask bits must be < 32"],
    ["IPv6 /128 (event-ruler)", '{"ip":[{"cidr":"::1/128"}]}', "IPv6 mask bits must be < 128"],
    [
      "list (sic: prefix message)",
      '{"ip":[{"cidr":["10.0.0.0/8"]}]}',
      "prefix match pattern must be a string",
    ],
  ];
  it.each(invalid)("rejects %s", (_label, pattern, reason) => expectInvalid(pattern, reason));
});
