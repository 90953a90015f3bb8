import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deployment } from "../../../api/store/deployments.js";
import { deploymentRepository, StageLockedError } from "../../../api/store/deployments.js";
import { lockRepository } from "../../../api/store/locks.js";
import { createTestTable } from "../../support/dynamo.js";

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.destroy());

const LEASE = 60_000;
const t0 = new Date("2026-11-26T12:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);
const deployment = (id: string): Deployment => ({
  id,
  project: "shop",
  stage: "dev",
  kind: "deploy",
  status: "PENDING",
  stackName: "shop-dev",
  token: `sy-${id}`,
  createdAt: t0.toISOString(),
  createdBy: "key_test",
  updatedAt: t0.toISOString(),
});

describe("the stage lock", () => {
  it("is held for its lease, extended only by its owner, and free once the lease has passed", async () => {
    const locks = lockRepository(table);
    const deployments = deploymentRepository(table);
    await deployments.createLocked(deployment("01A"), locks.acquirePut("shop", "dev", "01A", t0, LEASE));
    await expect(
      deployments.createLocked(
        deployment("01B"),
        locks.acquirePut("shop", "dev", "01B", at(LEASE - 1), LEASE),
      ),
    ).rejects.toBeInstanceOf(StageLockedError);
    expect(await deployments.get("01B")).toBeUndefined();

    expect(await locks.extend("shop", "dev", "01B", at(1000), LEASE)).toBe(false);
    expect(await locks.extend("shop", "dev", "01A", at(30_000), LEASE)).toBe(true);
    // The extension moved the lease: still held just after the original lease would have ended.
    await expect(
      deployments.createLocked(
        deployment("01C"),
        locks.acquirePut("shop", "dev", "01C", at(LEASE + 1), LEASE),
      ),
    ).rejects.toBeInstanceOf(StageLockedError);

    // Nobody extends it any more (the owner died): past the lease, the next deployment takes it.
    await deployments.createLocked(
      deployment("01D"),
      locks.acquirePut("shop", "dev", "01D", at(30_000 + LEASE + 1), LEASE),
    );
    expect(await locks.get("shop", "dev")).toMatchObject({ owner: "01D" });
    expect(await deployments.get("01D")).toMatchObject({ id: "01D", status: "PENDING" });

    // A late release by the old owner does not free the new owner's lock.
    await locks.release("shop", "dev", "01A");
    expect(await locks.get("shop", "dev")).toMatchObject({ owner: "01D" });
    await locks.release("shop", "dev", "01D");
    expect(await locks.get("shop", "dev")).toBeUndefined();
  });

  it("is per stage", async () => {
    const locks = lockRepository(table);
    const deployments = deploymentRepository(table);
    await deployments.createLocked(
      { ...deployment("02A"), stage: "s1" },
      locks.acquirePut("shop", "s1", "02A", t0, LEASE),
    );
    await deployments.createLocked(
      { ...deployment("02B"), stage: "s2" },
      locks.acquirePut("shop", "s2", "02B", t0, LEASE),
    );
    expect((await locks.get("shop", "s1"))?.owner).toBe("02A");
    expect((await locks.get("shop", "s2"))?.owner).toBe("02B");
  });
});

describe("deployment records", () => {
  it("never change once terminal", async () => {
    const deployments = deploymentRepository(table);
    const d = { ...deployment("03A"), stage: "t1" };
    await deployments.createLocked(d, lockRepository(table).acquirePut("shop", "t1", d.id, t0, LEASE));
    expect(await deployments.update(d, { status: "SUCCEEDED", finishedAt: t0.toISOString() })).toMatchObject({
      status: "SUCCEEDED",
    });
    expect(await deployments.update(d, { status: "FAILED", reason: "late" })).toBeUndefined();
    expect(await deployments.get("03A")).toMatchObject({ status: "SUCCEEDED" });
  });
});
