import type { TestProject } from "vitest/node";
import { startDynalite } from "../../api/store/dynalite.js";

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const dynamo = await startDynalite();
  project.provide("dynamoEndpoint", dynamo.endpoint);
  return async () => {
    await dynamo.close();
  };
}
