/** The deployment waiter's polling: progress on change, terminal statuses, deadline, abort. */
import { describe, expect, it } from "vitest";
import { DeploymentWaitTimeoutError, pollDeployment } from "../../../sdk-client/src/wait.js";

interface Deployment {
  id: string;
  status: string;
  events: string[];
}

/** Answers the given states in order, repeating the last one. */
function reads(...states: Omit<Deployment, "id">[]) {
  let i = 0;
  const calls = { count: 0 };
  const read = async (): Promise<Deployment> => {
    calls.count++;
    const state = states[Math.min(i++, states.length - 1)]!;
    return { id: "d1", ...state };
  };
  return { read, calls };
}

describe("pollDeployment", () => {
  it("reports each change once and returns the terminal state", async () => {
    const { read, calls } = reads(
      { status: "PENDING", events: [] },
      { status: "IN_PROGRESS", events: [] },
      { status: "IN_PROGRESS", events: [] },
      { status: "IN_PROGRESS", events: ["MyBus CREATE_COMPLETE"] },
      { status: "SUCCEEDED", events: ["MyBus CREATE_COMPLETE"] },
    );
    const seen: string[] = [];
    const done = await pollDeployment("d1", read, {
      intervalMs: 1,
      onProgress: (d) => seen.push(`${d.status}/${d.events.length}`),
    });
    expect(done.status).toBe("SUCCEEDED");
    expect(seen).toEqual(["PENDING/0", "IN_PROGRESS/0", "IN_PROGRESS/1", "SUCCEEDED/1"]);
    expect(calls.count).toBe(5);
  });

  it.each(["FAILED", "CANCELLED"])("returns a %s deployment instead of throwing", async (status) => {
    const { read } = reads({ status: "IN_PROGRESS", events: [] }, { status, events: ["reason"] });
    expect(await pollDeployment("d1", read, { intervalMs: 1 })).toMatchObject({ status });
  });

  it("gives up after timeoutMs with the last state it read", async () => {
    const { read, calls } = reads({ status: "IN_PROGRESS", events: [] });
    const err = await pollDeployment("d1", read, { intervalMs: 5, timeoutMs: 30 }).catch((e) => e);
    expect(err).toBeInstanceOf(DeploymentWaitTimeoutError);
    expect(err.deploymentId).toBe("d1");
    expect(err.deployment).toMatchObject({ status: "IN_PROGRESS" });
    expect(calls.count).toBeGreaterThan(1);
  });

  it("stops when the signal aborts, with the signal's reason", async () => {
    const { read } = reads({ status: "IN_PROGRESS", events: [] });
    const controller = new AbortController();
    const waiting = pollDeployment("d1", read, {
      intervalMs: 10_000,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error("portal closed")),
    });
    await expect(waiting).rejects.toThrow("portal closed");
  });

  it("propagates a failed read", async () => {
    const read = async (): Promise<Deployment> => {
      throw new Error("404 Not found");
    };
    await expect(pollDeployment("d1", read, { intervalMs: 1 })).rejects.toThrow("404 Not found");
  });
});
