import { describe, it } from "vitest";
import { expectInvalid, expectMatch, type InvalidRow, type MatchRow } from "./support.js";

describe("numeric", () => {
  const range = '{"n":[{"numeric":[">",0,"<=",5]}]}';
  const rows: MatchRow[] = [
    ["inside open bottom", range, '{"n":0.0001}', true],
    ["closed top", range, '{"n":5}', true],
    ["open bottom excludes", range, '{"n":0}', false],
    ["just above top", range, '{"n":5.0000001}', false],
    ["any array element", range, '{"n":[9,3]}', true],
    ["numeric string", range, '{"n":"3"}', false],
    ["null", range, '{"n":null}', false],
    ["missing", range, "{}", false],
    ["less than", '{"n":[{"numeric":["<",10]}]}', '{"n":-1e3}', true],
    ["less than, equal", '{"n":[{"numeric":["<",10]}]}', '{"n":10}', false],
    ["at most", '{"n":[{"numeric":["<=",10]}]}', '{"n":10.0}', true],
    ["at least", '{"n":[{"numeric":[">=",10]}]}', '{"n":1e1}', true],
    ["greater, float event", '{"n":[{"numeric":[">",100]}]}', '{"n":101.0}', true],
    ["equals, exponent form", '{"n":[{"numeric":["=",3.018e2]}]}', '{"n":301.8}', true],
    ["equals, other value", '{"n":[{"numeric":["=",3.018e2]}]}', '{"n":901.8}', false],
    ["zero equals negative zero", '{"n":[{"numeric":["=",0]}]}', '{"n":-0}', true],
    ["full double range", '{"n":[{"numeric":[">",1e20]}]}', '{"n":1e21}', true],
    [
      "unrepresentable event number never compares",
      '{"n":[{"numeric":[">",9007199254740992]}]}',
      '{"n":9007199254740993}',
      false,
    ],
    ["decimal that round-trips compares", '{"n":[{"numeric":["=",0.1]}]}', '{"n":0.10}', true],
    ["half-open two-sided", '{"n":[{"numeric":[">=",1,"<",2]}]}', '{"n":1}', true],
    ["half-open two-sided top", '{"n":[{"numeric":[">=",1,"<",2]}]}', '{"n":2}', false],
  ];
  it.each(rows)("%s", (_label, pattern, event, matches) => expectMatch(pattern, event, matches));

  const invalid: InvalidRow[] = [
    ["upper then lower", '{"n":[{"numeric":["<",10,">",0]}]}', "Too many elements in numeric expression"],
    ["equals with more", '{"n":[{"numeric":["=",5,"<",10]}]}', "Too many elements in numeric expression"],
    ["two lower bounds", '{"n":[{"numeric":[">",1,">",2]}]}', "Bad numeric range operator: >"],
    ["bottom above top", '{"n":[{"numeric":[">",10,"<",5]}]}', "Bottom must be less than top"],
    ["empty closed range", '{"n":[{"numeric":[">=",1,"<=",1]}]}', "Bottom must be less than top"],
    ["string operand", '{"n":[{"numeric":[">","5"]}]}', "Value of > must be numeric"],
    ["missing top", '{"n":[{"numeric":[">",0,"<"]}]}', "Value of < must be numeric"],
    ["equals wording", '{"n":[{"numeric":["=","a"]}]}', "Value of equals must be numeric"],
    ["unknown operator", '{"n":[{"numeric":["!=",1]}]}', "Unrecognized numeric range operator: !="],
    ["not an array", '{"n":[{"numeric":5}]}', "Value of numeric must be an array."],
    ["number first", '{"n":[{"numeric":[5]}]}', "Invalid member in numeric match: 5"],
    ["empty", '{"n":[{"numeric":[]}]}', "Invalid member in numeric match: ]"],
    [
      "number where the upper operator goes",
      '{"n":[{"numeric":[">",0,5]}]}',
      "Bad value in numeric range: 5",
    ],
    ["five terms", '{"n":[{"numeric":[">",0,"<",5,6]}]}', "Too many terms in numeric range expression"],
    [
      "unrepresentable operand",
      '{"n":[{"numeric":[">",9007199254740993]}]}',
      "Cannot compare number : 9007199254740993",
    ],
    ["operator names are case-sensitive", '{"n":[{"NUMERIC":["=",5]}]}', "Unrecognized match type NUMERIC"],
  ];
  it.each(invalid)("rejects %s", (_label, pattern, reason) => expectInvalid(pattern, reason));
});
