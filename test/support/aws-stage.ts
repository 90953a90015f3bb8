import { randomUUID } from "node:crypto";
import type { Role } from "../../api/auth/roles.js";
import { projectKey } from "../../api/store/projects.js";
import { stageRepository } from "../../api/store/stages.js";
import { createKey, createTeam, jsonRequest } from "./auth.js";
import type { TestServer } from "./server.js";

/**
 * What a deployment on AWS leaves for the bus routes: a team with a key of `role`, a project, and
 * its stage `prod` recorded as deployed with `outputs` (the ARNs CloudFormation answered). For
 * tests of AWS adapters, whose stacks never run here.
 */
export async function deployedAwsStage(
  server: TestServer,
  outputs: Record<string, Record<string, string>>,
  role: Role,
): Promise<{ key: string; stagePath: string }> {
  const team = await createTeam(server);
  const key = await createKey(server, team, role);
  const project = `aws-${randomUUID().slice(0, 8)}`;
  const maintainer = await createKey(server, team, "maintainer");
  await server.fetch("/v1/projects", jsonRequest(maintainer, "POST", { name: project }));
  await stageRepository(server.deps.table).save(
    projectKey(team, project),
    "prod",
    { stackName: `${project}-prod`, status: "DEPLOYED", deployed: true, outputs },
    new Date(),
  );
  return { key, stagePath: `/v1/projects/${project}/stages/prod` };
}
