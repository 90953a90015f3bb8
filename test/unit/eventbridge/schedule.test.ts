import { describe, expect, it } from "vitest";
import { dueTimes } from "../../../api/eventbridge/schedule.js";
import { scheduleProblem } from "../../../api/resources/triggers/schedule.js";

const at = (iso: string) => new Date(iso);
const times = (expression: string, after: string, until: string, limit = 100) =>
  dueTimes(expression, at(after), at(until), limit).map((d) => d.toISOString());

describe("schedule expressions on the embedded engine's clock", () => {
  it("fires a rate at each multiple of its period within (after, until]", () => {
    expect(times("rate(1 hour)", "2030-01-01T00:00:00Z", "2030-01-01T03:00:00Z")).toEqual([
      "2030-01-01T01:00:00.000Z",
      "2030-01-01T02:00:00.000Z",
      "2030-01-01T03:00:00.000Z",
    ]);
    expect(times("rate(5 minutes)", "2030-01-01T00:01:00Z", "2030-01-01T00:09:59Z")).toEqual([
      "2030-01-01T00:05:00.000Z",
    ]);
  });

  it("fires a cron on the minutes its fields match, names and steps included (UTC)", () => {
    expect(times("cron(0 12 * * ? *)", "2030-01-01T00:00:00Z", "2030-01-03T00:00:00Z")).toEqual([
      "2030-01-01T12:00:00.000Z",
      "2030-01-02T12:00:00.000Z",
    ]);
    // 2030-01-04 is a Friday, 2030-01-05 a Saturday.
    expect(times("cron(0/30 9 ? * MON-FRI *)", "2030-01-04T00:00:00Z", "2030-01-06T00:00:00Z")).toEqual([
      "2030-01-04T09:00:00.000Z",
      "2030-01-04T09:30:00.000Z",
    ]);
    expect(times("cron(15 10 1 JAN ? 2031)", "2030-01-01T00:00:00Z", "2031-06-01T00:00:00Z")).toEqual([]);
  });

  it("keeps the newest firings when the clock jumps past the limit", () => {
    expect(times("rate(1 minute)", "2030-01-01T00:00:00Z", "2030-01-01T10:00:00Z", 2)).toEqual([
      "2030-01-01T09:59:00.000Z",
      "2030-01-01T10:00:00.000Z",
    ]);
  });

  it("never fires what it cannot evaluate (L, W, #) instead of firing at the wrong time", () => {
    expect(times("cron(0 12 L * ? *)", "2030-01-01T00:00:00Z", "2030-03-01T00:00:00Z")).toEqual([]);
  });

  it("are checked as EventBridge checks them when the config loads", () => {
    expect(scheduleProblem("rate(5 minutes)")).toBeUndefined();
    expect(scheduleProblem("cron(0 12 * * ? *)")).toBeUndefined();
    expect(scheduleProblem("rate(1 minutes)")).toContain("is not a rate");
    expect(scheduleProblem("cron(0 12 * * *)")).toContain("six fields");
    expect(scheduleProblem("cron(0 12 * * 1 *)")).toContain(
      'exactly one of day-of-month and day-of-week must be "?"',
    );
    expect(scheduleProblem("every hour")).toContain("neither rate(...) nor cron(...)");
  });
});
