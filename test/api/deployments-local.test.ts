import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";

const ADMIN = "sy_deploymentsLocalTestAdminKey000000000000000";
let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("deployments on the embedded default (npm start)", () => {
  it("deploys the seed example to dev, and the deployed stage survives a restart", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "switchyard-deploy-"));
    const opts = { port: 0, dataDir: dir, adminKey: ADMIN, log: silentLogger, print: () => {} };
    const headers = { authorization: `Bearer ${ADMIN}` };
    const seed = await readFile("test/fixtures/configs/seed.yaml", "utf8");

    const first = await startLocal(opts);
    let busArn: string;
    try {
      const call = (p: string, init: RequestInit = {}) =>
        fetch(`${first.url}${p}`, { ...init, headers: { ...headers, ...(init.headers ?? {}) } });
      const json = { "content-type": "application/json" };
      expect(
        (await call("/v1/teams", { method: "POST", headers: json, body: '{"name":"budget"}' })).status,
      ).toBe(201);
      expect(
        (
          await call("/v1/projects", {
            method: "POST",
            headers: json,
            body: '{"name":"budget","team":"budget"}',
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await call("/v1/projects/budget/configs", {
            method: "POST",
            headers: { "content-type": "application/yaml" },
            body: seed,
          })
        ).status,
      ).toBe(201);

      const res = await call("/v1/projects/budget/stages/dev/deployments", { method: "POST" });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      let deployment: { status: string; reason?: string } = { status: "PENDING" };
      for (let i = 0; i < 1500 && !["SUCCEEDED", "FAILED", "CANCELLED"].includes(deployment.status); i++) {
        await new Promise((r) => setTimeout(r, 20));
        deployment = (await (await call(`/v1/deployments/${id}`)).json()) as typeof deployment;
      }
      expect(deployment.reason).toBeUndefined();
      expect(deployment.status).toBe("SUCCEEDED");
      const stage = (await (await call("/v1/projects/budget/stages/dev")).json()) as {
        outputs: Record<string, Record<string, string>>;
      };
      busArn = stage.outputs.myEventBus!.arn!;
      expect(busArn).toBe("arn:aws:events:us-east-1:000000000000:event-bus/budget-dev-myEventBus");
      expect(stage.outputs.myConsumerBatchJob?.stateMachineArn).toMatch(
        /^arn:aws:states:us-east-1:000000000000:/,
      );
    } finally {
      await first.close();
    }

    const second = await startLocal(opts);
    try {
      const stage = (await (
        await fetch(`${second.url}/v1/projects/budget/stages/dev`, { headers })
      ).json()) as {
        status: string;
        outputs: Record<string, Record<string, string>>;
      };
      expect(stage.status).toBe("DEPLOYED");
      expect(stage.outputs.myEventBus?.arn).toBe(busArn);
      // The stack record survived too: deploying the same version again changes nothing.
      const res = await fetch(`${second.url}/v1/projects/budget/stages/dev/deployments`, {
        method: "POST",
        headers,
      });
      expect(((await res.json()) as { noop?: boolean }).noop).toBe(true);
    } finally {
      await second.close();
    }
  });
});
