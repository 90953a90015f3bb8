/**
 * Compile-time contract of the generated client. `npm run typecheck` (tsc) checks this file; vitest
 * does not run it. Each `@ts-expect-error` must stay an error: if the client stopped rejecting the
 * call, tsc would fail with "Unused '@ts-expect-error' directive".
 */
import type { SwitchyardClient } from "../../sdk-client/src/index.js";

export async function callsTheCompilerRejects(sy: SwitchyardClient): Promise<void> {
  // @ts-expect-error a misspelt body field: `nmae` is not in CreateProject
  await sy.projects.create({ body: { nmae: "orders", team: "payments" } });
  // @ts-expect-error an extra body field
  await sy.projects.create({ body: { name: "orders", team: "payments", owner: "ada" } });
  // @ts-expect-error a body field of the wrong type
  await sy.teams.create({ body: { name: 42 } });
  // @ts-expect-error a role that does not exist
  await sy.apiKeys.create({ path: { team: "payments" }, body: { name: "ci", role: "owner" } });
  // @ts-expect-error the project path parameter is missing
  await sy.projects.get({ path: {} });
  // @ts-expect-error an operation that does not exist
  await sy.projects.rename({ path: { project: "orders" } });
}

export async function callsTheCompilerAccepts(sy: SwitchyardClient): Promise<string> {
  const project = await sy.projects.create({ body: { name: "orders", team: "payments" } });
  const version = await sy.configs.create({
    path: { project: project.name },
    body: { config: "resources: {}" },
  });
  // Responses are typed too: `version` is a number on ConfigVersion.
  const n: number = version.version;
  return `${project.name}@${n}`;
}
