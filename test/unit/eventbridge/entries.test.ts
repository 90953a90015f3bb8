import { describe, expect, it } from "vitest";
import { checkPutEventsRequest, entryError, entrySize } from "../../../api/eventbridge/entries.js";
import { compactJson, envelopeText, envelopeTime } from "../../../api/eventbridge/envelope.js";

describe("PutEvents entry checks", () => {
  it("reports each missing required field as InvalidArgument with AWS's message", () => {
    expect(entryError({ DetailType: "t", Detail: "{}" })).toEqual({
      ErrorCode: "InvalidArgument",
      ErrorMessage: "Parameter Source is not valid. Reason: Source is a required argument.",
    });
    expect(entryError({ Source: "s", Detail: "{}" })?.ErrorMessage).toBe(
      "Parameter DetailType is not valid. Reason: DetailType is a required argument.",
    );
    expect(entryError({ Source: "s", DetailType: "t" })?.ErrorMessage).toBe(
      "Parameter Detail is not valid. Reason: Detail is a required argument.",
    );
  });

  it("reports a Detail that is not a JSON object as MalformedDetail", () => {
    for (const detail of [
      '"a string"',
      "[1,2]",
      "{not json",
      "42",
      "null",
      JSON.stringify(JSON.stringify({ a: 1 })),
    ]) {
      expect(entryError({ Source: "s", DetailType: "t", Detail: detail })).toEqual({
        ErrorCode: "MalformedDetail",
        ErrorMessage: "Detail is malformed.",
      });
    }
    expect(entryError({ Source: "s", DetailType: "t", Detail: '{"a":1}' })).toBeUndefined();
  });

  it("counts sizes as AWS does: 14 bytes for a Time, UTF-8 bytes of the text fields and resources", () => {
    expect(entrySize({ Source: "abc", DetailType: "de", Detail: "{}" })).toBe(7);
    expect(
      entrySize({ Time: new Date(), Source: "é", DetailType: "x", Detail: "{}", Resources: ["r1", "r22"] }),
    ).toBe(14 + 2 + 1 + 2 + 2 + 3);
  });

  it("fails the whole request for 0 or 11 entries, or when the sizes sum over the limit", () => {
    const entry = { Source: "s", DetailType: "t", Detail: "{}" };
    expect(() => checkPutEventsRequest([], 1000)).toThrow(/greater than or equal to 1/);
    expect(() => checkPutEventsRequest(Array(11).fill(entry), 1000)).toThrow(/less than or equal to 10/);
    expect(() => checkPutEventsRequest(Array(10).fill(entry), 1000)).not.toThrow();
    expect(() => checkPutEventsRequest([entry, entry], 7)).toThrow(
      "Total size of the entries in the request is over the limit.",
    );
    expect(() => checkPutEventsRequest([entry, entry], 8)).not.toThrow();
  });
});

describe("the delivered envelope", () => {
  it("has AWS's field order, second-precision time, and replay-name after region", () => {
    const parts = {
      id: "id-1",
      detailType: "t",
      source: "s",
      account: "000000000000",
      time: envelopeTime(new Date("2026-01-02T03:04:05.678Z")),
      region: "us-east-1",
      resources: [],
      detail: '{"n":1}',
    };
    expect(envelopeText(parts)).toBe(
      '{"version":"0","id":"id-1","detail-type":"t","source":"s","account":"000000000000","time":"2026-01-02T03:04:05Z","region":"us-east-1","resources":[],"detail":{"n":1}}',
    );
    expect(Object.keys(JSON.parse(envelopeText(parts, "r1")))).toEqual([
      "version",
      "id",
      "detail-type",
      "source",
      "account",
      "time",
      "region",
      "replay-name",
      "resources",
      "detail",
    ]);
  });

  it("keeps big integers and escapes of the detail exactly while dropping whitespace", () => {
    expect(compactJson('{ "big" : 12345678901234567890123,\n "s": "a \\" b" }')).toBe(
      '{"big":12345678901234567890123,"s":"a \\" b"}',
    );
    // A string ending in an escaped backslash closes at the next quote; text already compact is kept.
    expect(compactJson(' {"a": "x \\\\", "b" :\t[1, 2.50]}\r\n')).toBe('{"a":"x \\\\","b":[1,2.50]}');
    expect(compactJson('{"a":"x y"}')).toBe('{"a":"x y"}');
  });
});
