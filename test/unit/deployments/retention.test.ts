import { describe, expect, it } from "vitest";
import { expiryChanges, type HistoryEntry } from "../../../api/deployments/retention.js";
import { deploymentRetentionFrom, RetentionSettingError } from "../../../api/entry/retention-env.js";

const now = new Date("2026-03-10T00:00:00Z");
const nowSeconds = now.getTime() / 1000;
const entry = (id: string, finishedAt: string, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id,
  status: "SUCCEEDED",
  createdAt: finishedAt,
  finishedAt,
  ...extra,
});

describe("deployment retention policy", () => {
  const history = [
    entry("d5", "2026-03-09T00:00:00Z"),
    entry("d4", "2026-03-08T00:00:00Z"),
    entry("d3", "2026-03-07T00:00:00Z", { status: "IN_PROGRESS", finishedAt: undefined }),
    entry("d2", "2026-03-06T00:00:00Z"),
    entry("d1", "2026-03-01T00:00:00Z"),
  ];

  it("expires beyond the count at once, within it after its days; never the newest, running or kept", () => {
    const changes = expiryChanges(history, new Set(["d1"]), { count: 3, days: 2 }, now);
    expect(changes).toEqual([
      { id: "d4", expiresAt: Date.parse("2026-03-10T00:00:00Z") / 1000 },
      { id: "d2", expiresAt: nowSeconds },
    ]);
  });

  it("writes nothing when every expiry is already as due, and lowers one that is later", () => {
    const settled = history.map((d) =>
      d.id === "d2"
        ? { ...d, expiresAt: nowSeconds - 5 }
        : d.id === "d4"
          ? { ...d, expiresAt: nowSeconds + 99 }
          : d,
    );
    expect(expiryChanges(settled, new Set(["d1"]), { count: 3, days: 30 }, now)).toEqual([]);
    expect(expiryChanges(settled, new Set(["d1"]), { count: 3, days: 2 }, now)).toEqual([
      { id: "d4", expiresAt: nowSeconds },
    ]);
  });
});

describe("retention settings from the environment", () => {
  it("take whole numbers, default when unset, and refuse anything else naming the variable", () => {
    expect(deploymentRetentionFrom({})).toEqual({ count: 100, days: 90 });
    expect(
      deploymentRetentionFrom({
        SWITCHYARD_RETAIN_DEPLOYMENTS: " 20 ",
        SWITCHYARD_RETAIN_DEPLOYMENT_DAYS: "",
      }),
    ).toEqual({
      count: 20,
      days: 90,
    });
    for (const bad of ["0", "-1", "1.5", "ten", "1e3"]) {
      expect(() => deploymentRetentionFrom({ SWITCHYARD_RETAIN_DEPLOYMENT_DAYS: bad })).toThrow(
        new RetentionSettingError(
          `SWITCHYARD_RETAIN_DEPLOYMENT_DAYS must be a whole number of at least 1 (it is "${bad}").`,
        ),
      );
    }
  });
});
