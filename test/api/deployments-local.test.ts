import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startLocal } from "../../api/entry/local.js";
import { silentLogger } from "../../api/http/logger.js";
import { deploySeed } from "../support/seed.js";

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

    const first = await startLocal(opts);
    let busArn: string;
    try {
      const { deployment, stage, team } = await deploySeed(
        { url: first.url, adminKey: ADMIN },
        { project: "budget" },
      );
      expect(deployment.reason).toBeUndefined();
      expect(deployment.status).toBe("SUCCEEDED");
      busArn = stage.outputs.myEventBus!.arn!;
      expect(busArn).toBe(`arn:aws:events:us-east-1:000000000000:event-bus/${team}--budget--dev-myEventBus`);
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
