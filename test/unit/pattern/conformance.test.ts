/**
 * EventBridge's recorded behaviour (LocalStack's AWS-validated fixtures in /work/shared): every case
 * file must match, not match (`_NEG`) or be rejected with AWS's exact message (`_EXC`).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import JSON5 from "json5";
import { describe, expect, it } from "vitest";
import {
  matchesEventPattern,
  testEventPattern,
  validateEventPattern,
} from "../../../api/eventbridge/pattern/index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const folder = path.resolve(repoRoot, "../shared/conformance/eventbridge-patterns");
const exists = existsSync(path.join(folder, "cases"));

interface Snapshot {
  [test: string]: {
    "recorded-content": Record<string, { exception_message?: { Error: { Message: string } } } & object>;
  };
}

function snapshot(): Snapshot {
  return JSON.parse(
    readFileSync(path.join(folder, "test_events_patterns.snapshot.json"), "utf8"),
  ) as Snapshot;
}

function recordedMessage(snap: Snapshot, name: string): string | undefined {
  const entry =
    snap[`tests/aws/services/events/test_events_patterns.py::TestEventPattern::test_event_pattern[${name}]`];
  return entry?.["recorded-content"][name]?.exception_message?.Error.Message;
}

describe.skipIf(!exists)("EventBridge pattern conformance (AWS-recorded cases)", () => {
  const files = exists ? readdirSync(path.join(folder, "cases")).filter((f) => f.endsWith(".json5")) : [];
  const snap = exists ? snapshot() : {};

  it("has the 155 recorded cases", () => {
    expect(files).toHaveLength(155);
  });

  for (const file of files.sort()) {
    const name = file.replace(/\.json5$/, "");
    it(name, () => {
      const { Event, EventPattern } = JSON5.parse(readFileSync(path.join(folder, "cases", file), "utf8")) as {
        Event: object;
        EventPattern: unknown;
      };
      // The same pattern as a value and as JSON text must give the same answer.
      const asValue = validateEventPattern(EventPattern);
      const asText = validateEventPattern(JSON.stringify(EventPattern));
      if (name.endsWith("_EXC")) {
        const message = recordedMessage(snap, name);
        expect(message, "snapshot has the AWS message").toBeTypeOf("string");
        expect(asValue).toMatchObject({ ok: false, message });
        expect(asText).toMatchObject({ ok: false, message });
        return;
      }
      if (!asValue.ok || !asText.ok) throw new Error(`rejected: ${!asValue.ok ? asValue.message : ""}`);
      const expected = !name.endsWith("_NEG");
      expect(matchesEventPattern(asValue.pattern, Event)).toBe(expected);
      expect(matchesEventPattern(asText.pattern, JSON.stringify(Event))).toBe(expected);
      expect(testEventPattern(EventPattern, JSON.stringify(Event))).toEqual({ result: expected });
    });
  }

  it("complex_multi_key_event: a field given twice keeps its last condition", () => {
    const read = (f: string) => readFileSync(path.join(folder, "cases", f), "utf8");
    // Read as text on purpose: JSON has the duplicate key that a JS object cannot hold.
    expect(
      testEventPattern(read("complex_multi_key_event_pattern.json"), read("complex_multi_key_event.json")),
    ).toEqual({
      result: true,
    });
  });

  it("non-JSON patterns get Jackson's wording and position, as AWS returns them", () => {
    const cases = Object.entries(snap).filter(([k]) => k.includes("test_invalid_json_event_pattern["));
    expect(cases.length).toBeGreaterThanOrEqual(4);
    for (const [key, entry] of cases) {
      const recorded = Object.values(entry["recorded-content"])[0] as { Error: { Message: string } };
      const [, reason, , line, column] =
        /^([\s\S]*?)\n at \[Source: \(String\)"([\s\S]*)"; line: (\d+), column: (\d+)\]$/.exec(
          recorded.Error.Message,
        ) ?? [];
      const text = key.slice(key.indexOf("[") + 1, -1);
      expect(validateEventPattern(text)).toEqual({
        ok: false,
        message: reason,
        line: Number(line),
        column: Number(column),
      });
    }
  });
});
