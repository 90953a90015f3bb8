/**
 * The stage list shows what the stacks did, not what the last process managed to write: a stage
 * whose deployment ended while nothing reconciled it (no settle hook here, as after a restart)
 * is listed with its final status, as GET of that one stage would show it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalDeployer, LOCAL_DEPLOYMENT_SETTINGS } from "../../api/local/deployer/index.js";
import { createTeamWithKey, jsonRequest } from "../support/auth.js";
import { bodyOf, startTestServer, type TestServer } from "../support/server.js";

let server: TestServer;
let deployer: ReturnType<typeof createLocalDeployer>;

beforeAll(async () => {
  server = await startTestServer({
    deploymentSettings: { ...LOCAL_DEPLOYMENT_SETTINGS, reconcileAfterMs: 0 },
  });
  // A deployer of its own: the server reconciles only its default one as operations settle.
  deployer = createLocalDeployer(
    { table: server.deps.table, now: () => new Date(), log: server.deps.log },
    server.engine,
  );
  server.deps.deployer = deployer;
});
afterAll(async () => {
  await deployer.idle();
  await server.close();
});

describe("GET /v1/projects/{project}/stages", () => {
  it("lists a stage whose deployment ended unobserved with its final status", async () => {
    const { key } = await createTeamWithKey(server, "maintainer");
    await server.fetch("/v1/projects", jsonRequest(key, "POST", { name: "ledger" }));
    await server.fetch("/v1/projects/ledger/configs", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/yaml" },
      body: "resources:\n  entries:\n    type: event-bus\n",
    });
    const started = await server.fetch(
      "/v1/projects/ledger/stages/dev/deployments",
      jsonRequest(key, "POST", {}),
    );
    expect(started.status).toBe(202);
    await deployer.idle();

    const list = await bodyOf(await server.fetch("/v1/projects/ledger/stages", jsonRequest(key, "GET")));
    expect(list.items).toEqual([
      expect.objectContaining({ stage: "dev", status: "DEPLOYED", deployed: true }),
    ]);
    expect(list.items[0].outputs.entries.arn).toMatch(/:event-bus\/[a-z0-9-]+--ledger--dev-entries$/);
  });
});
