/**
 * Stages of a project: one item per stage under the project's partition (`STAGE#<stage>`), holding
 * what is deployed there. `deployed: true` while a stack exists, so project deletion refuses then.
 * `outputs` is keyed by the config's resource names, so it is stored as JSON text (`outputsJson`):
 * the SDK's map marshalling reads `value.constructor`, which a resource named `constructor` would be.
 * Items written before hold an `outputs` map, still read as such.
 */
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Template } from "../deployments/port.js";
import { keys } from "./keys.js";
import { packJson, unpackOnUse } from "./packed.js";
import type { Table } from "./table.js";

export type StageStatus = "DEPLOYING" | "DEPLOYED" | "FAILED" | "DELETING" | "DELETED";

export interface Stage {
  project: string;
  stage: string;
  stackName: string;
  stackId?: string;
  status: StageStatus;
  /** True while the stack exists (from the first deployment until a completed teardown). */
  deployed: boolean;
  /** Config version of the last succeeded deployment. */
  deployedConfigVersion?: number;
  currentDeploymentId?: string;
  lastDeploymentId?: string;
  lastSucceededDeploymentId?: string;
  /** Referenceable params per resource (`{ myBus: { arn: "arn:aws:events:..." } }`). */
  outputs: Record<string, Record<string, string>>;
  /** Raw stack outputs by output key. */
  stackOutputs: Record<string, string>;
  /** The template and parameters last applied successfully (for local previews and no-op checks). */
  appliedTemplate?: Template;
  appliedParameters?: Record<string, string>;
  /** Set when the stack is stuck and needs a human (UPDATE_ROLLBACK_FAILED, DELETE_FAILED, ...). */
  needsAction?: string;
  createdAt: string;
  updatedAt: string;
}

export type StageSummary = Omit<Stage, "appliedTemplate" | "appliedParameters">;

export interface StageRepository {
  get(project: string, stage: string): Promise<Stage | undefined>;
  /** Every stage of a project (a project has few), by name. */
  list(project: string): Promise<StageSummary[]>;
  /** Sets fields, creating the stage item if it does not exist yet. */
  save(project: string, stage: string, fields: Partial<Stage>, now: Date): Promise<Stage>;
}

const stageKey = (project: string, stage: string) => ({
  PK: keys.projectPartition(project),
  SK: `${keys.stagePrefix}${stage}`,
});

export function stageRepository(table: Table): StageRepository {
  const { doc, name: TableName } = table;
  return {
    async get(project, stage) {
      const out = await doc.send(
        new GetCommand({ TableName, Key: stageKey(project, stage), ConsistentRead: true }),
      );
      return out.Item ? toStage(out.Item) : undefined;
    },

    async list(project) {
      const items: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await doc.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: "PK = :pk AND begins_with(SK, :p)",
            ExpressionAttributeValues: { ":pk": keys.projectPartition(project), ":p": keys.stagePrefix },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...(out.Items ?? []));
        start = out.LastEvaluatedKey;
      } while (start);
      return items.map((i) => {
        // The applied template stays packed: a list never shows it.
        const { appliedTemplateJson: _t, ...withoutTemplate } = i;
        const { appliedParameters: _p, ...summary } = toStage(withoutTemplate);
        return summary;
      });
    },

    async save(project, stage, fields, now) {
      const { appliedTemplate, outputs, ...rest } = fields;
      const set: Record<string, unknown> = {
        ...rest,
        // The legacy map goes once the text replaces it.
        ...(outputs !== undefined ? { outputsJson: JSON.stringify(outputs), outputs: undefined } : {}),
        ...(appliedTemplate !== undefined
          ? { appliedTemplateJson: packJson(appliedTemplate) }
          : "appliedTemplate" in fields
            ? { appliedTemplateJson: undefined }
            : {}),
        project,
        stage,
        type: "stage",
        updatedAt: now.toISOString(),
      };
      const remove = Object.entries(set)
        .filter(([, v]) => v === undefined)
        .map(([k]) => k);
      const entries = Object.entries(set).filter(([, v]) => v !== undefined);
      const names = Object.fromEntries(
        [...entries.map(([k]) => k), ...remove, "createdAt", "stackOutputs", "deployed"].map((k) => [
          `#${k}`,
          k,
        ]),
      );
      const values: Record<string, unknown> = Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v]));
      values[":createdAt"] = now.toISOString();
      if (!fields.stackOutputs) values[":emptyMap"] = {};
      if (fields.deployed === undefined) values[":false"] = false;
      const defaults = [
        "#createdAt = if_not_exists(#createdAt, :createdAt)",
        ...(fields.stackOutputs ? [] : ["#stackOutputs = if_not_exists(#stackOutputs, :emptyMap)"]),
        ...(fields.deployed === undefined ? ["#deployed = if_not_exists(#deployed, :false)"] : []),
      ];
      const out = await doc.send(
        new UpdateCommand({
          TableName,
          Key: stageKey(project, stage),
          UpdateExpression: [
            `SET ${[...entries.map(([k]) => `#${k} = :${k}`), ...defaults].join(", ")}`,
            remove.length > 0 ? `REMOVE ${remove.map((k) => `#${k}`).join(", ")}` : "",
          ].join(" "),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      return toStage(out.Attributes ?? {});
    },
  };
}

function toStage(item: Record<string, unknown>): Stage {
  const { PK: _pk, SK: _sk, type: _type, appliedTemplateJson, outputsJson, ...rest } = item;
  const stage = rest as unknown as Stage;
  stage.outputs = typeof outputsJson === "string" ? JSON.parse(outputsJson) : (stage.outputs ?? {});
  // Unpacked on first use: stage reads are frequent, and only previews and deploys need it.
  if (appliedTemplateJson !== undefined) unpackOnUse(stage, "appliedTemplate", appliedTemplateJson);
  return stage;
}
