/**
 * An event given as a value is written out as JSON text before it is matched. What JSON.parse makes
 * takes the fast path (JSON.stringify); the text must be exactly what writing it token by token
 * gives, and what JSON.stringify cannot write the same (bigint digits, -0, toJSON, other prototypes,
 * nesting past the lexer's limit) must still go token by token.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventText, tokensToJson } from "../../../api/eventbridge/pattern/source.js";
import { ValueTokenSource } from "../../../api/eventbridge/pattern/tokens.js";

const tokenByToken = (value: object) => tokensToJson(new ValueTokenSource(value));

describe("an event given as a value", () => {
  it("is written as token by token would write it, for anything JSON.parse makes", () => {
    const events = fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 });
    fc.assert(
      fc.property(events, (event) => {
        const parsed = JSON.parse(JSON.stringify(event));
        expect(eventText(parsed)).toBe(tokenByToken(parsed));
      }),
      { seed: 22_301, numRuns: 300 },
    );
  });

  it("keeps what JSON.stringify would change: bigint digits, -0, toJSON, dates", () => {
    const when = new Date("2026-12-06T08:00:00.000Z");
    const event = {
      big: 12345678901234567890n,
      zero: -0,
      custom: { toJSON: () => ({ a: 1 }) },
      when,
      nested: [{ n: -0 }],
    };
    expect(eventText(event)).toBe(
      '{"big":12345678901234567890,"zero":-0,"custom":{"a":1},"when":"2026-12-06T08:00:00.000Z","nested":[{"n":-0}]}',
    );
  });

  it("is refused past the lexer's 1,000 levels either way", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000; i++) deep = [deep];
    expect(eventText({ a: deep })).toBeUndefined();
    let inside: unknown = 1;
    for (let i = 0; i < 998; i++) inside = [inside];
    expect(eventText({ a: inside })).toBe(`{"a":${"[".repeat(998)}1${"]".repeat(998)}}`);
  });
});
